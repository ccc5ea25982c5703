package bot

import "github.com/exodus-matrix/exodus/ledger"

// Serbian help: the commands' entries and the sections' titles, in the
// Latin script. The command words a Serbian member types are the English
// ones (jezik and pomoć aside: ledger/grammar), so the arguments keep their
// English keywords. A verb of the command table without an entry here falls
// back to English; TestEveryVerbIsACommand requires one for every verb.

// helpSR is the Serbian help of each verb.
var helpSR = map[ledger.Verb]helpEntry{
	ledger.VerbHelp:       {"[komanda]", "komande i kako se koriste"},
	ledger.VerbCircle:     {"<naziv> | here | pledge <iznos> | lang ru|en|sr", "napravite sobu-krug, pretvorite ovu sobu u krug ili (vlasnik) promenite njeno jemstvo ili jezik"},
	ledger.VerbOwner:      {"@user:server", "(vlasnik) predajte krug drugom članu, koji postaje vlasnik; vi ostajete suvlasnik"},
	ledger.VerbCoOwner:    {"@user:server", "(vlasnik) imenujte člana za suvlasnika: može da menja krug i da uklanja članove"},
	ledger.VerbDemote:     {"@user:server", "(vlasnik) razrešite suvlasnika, koji ostaje član"},
	ledger.VerbRemove:     {"@user:server", "(vlasnik, suvlasnik) uklonite člana iz kruga: biće obavešten i napustiće sobu; njegova obećanja ostaju"},
	ledger.VerbInvite:     {"[@user:server]", "pozovite osobu koju poznajete na uzajamno jemstvo; bez korisnika: jednokratni kod"},
	ledger.VerbAccept:     {"[kod]", "prihvatite poziv (ili ✅ na kartici); sa kodom u direktnom razgovoru"},
	ledger.VerbDecline:    {"", "odbijte poziv upućen vama"},
	ledger.VerbList:       {"", "vaša lista poverenja: prvo direktni jemci, zatim ostali"},
	ledger.VerbChain:      {"@user:server", "najkraći lanac jemstava od vas do tog člana"},
	ledger.VerbPool:       {"", "fond vaše liste poverenja i njegova promena otkad ste poslednji put pitali"},
	ledger.VerbCapacity:   {"", "najviše pomoći koja do vas može stići preko jemstava, i putevi kojima stiže"},
	ledger.VerbBlock:      {"@user:server", "prekinite svoje jemstvo sa članom"},
	ledger.VerbUnblock:    {"@user:server", "vratite ga"},
	ledger.VerbSOS:        {"<tekst>", "poruka celoj vašoj listi poverenja (nekoliko dnevno)"},
	ledger.VerbStatus:     {"green | orange <iznos> | red <iznos> <dana>", "vaš status: zeleni, samo pomažete; narandžasti, potreban vam je ovaj iznos mesečno; crveni, hitno prikupljanje u toku tog broja dana. Pomoć u naturi: sati kao iznos (`4 h`) ili stvar pod navodnicima (`red \"prevoz do bolnice\" 2 days`)"},
	ledger.VerbIntend:     {"[iznos]", "odgovorite na karticu potrebe (ili reagujte ❤️): nameravate da pomognete iznosom; odgovorite ponovo da ga promenite"},
	ledger.VerbWithdraw:   {"", "odgovorite na karticu (ili uklonite svoje ❤️): povucite svoju nameru"},
	ledger.VerbCommit:     {"[iznos]", "odgovorite na karticu ili na zahtev (ili reagujte 🤝): obavežite se da pomognete; obaveza se ne može povući"},
	ledger.VerbSent:       {"[iznos]", "odgovorite na obaveštenje o obavezi ili na karticu: javite da ste poslali novac; sa iznosom, deo toga (ostatak se i dalje duguje)"},
	ledger.VerbGot:        {"[iznos] [@user:server]", "odgovorite na obaveštenje „poslato” (ili reagujte 👍): potvrdite da ste primili; sa iznosom, taj deo"},
	ledger.VerbForgive:    {"@user:server", "oslobodite davaoca njegovih obaveza prema vama"},
	ledger.VerbRemind:     {"@user:server", "podsetite člana na ono što čeka između vas (s vremena na vreme)"},
	ledger.VerbInitiative: {"\"<naslov>\" <cena> by <datum>", "projekat koji krug finansira glasanjem namerama (❤️, iznos ili njena anketa)"},
	ledger.VerbDone:       {"[izveštaj]", "(pokretač) označite svoju inicijativu kao završenu, uz kratak izveštaj"},
	ledger.VerbKassa:      {"[iznos]", "prijavite najviše što biste mesečno dali u kasu ovog kruga (u našem direktnom razgovoru: vašeg jedinog kruga); bez iznosa: stanje kase"},
	ledger.VerbClaim:      {"<iznos> <razlog>", "zatražite pomoć iz kase kruga; drugi član odobrava, a zatim se deli srazmerno onome što je ovog meseca ostalo od maksimuma prijavljenih u krugu"},
	ledger.VerbApprove:    {"", "(odgovorom na zahtev) odobrite zahtev drugog člana, da bi udeli bili objavljeni"},
	ledger.VerbClearing:   {"", "otvorene obaveze koje se međusobno poništavaju u ciklusima, i lanci koji se mogu skratiti, kao predlog"},
	ledger.VerbMy:         {"", "šta ste vi obećali"},
	ledger.VerbToMe:       {"", "šta su drugi obećali vama"},
	ledger.VerbPending:    {"", "šta vam je poslato i čeka vašu potvrdu"},
	ledger.VerbArchive:    {"", "ispunjena i oproštena obećanja, u oba smera"},
	ledger.VerbOverdue:    {"", "zakasnele obaveze, u oba smera"},
	ledger.VerbNetwork:    {"", "ko pomaže vama, kome vi pomažete, ko pomaže istim ljudima"},
	ledger.VerbHealth:     {"[@user:server]", "koliko se pouzdano obaveze ispunjavaju: u sobi kruga, obaveze kruga (odgovaram tamo); sa članom, ili u našem direktnom razgovoru, obaveze koje je dao taj član (ili vi)"},
	ledger.VerbReport:     {"[GGGG-MM]", "izveštaj za mesec (ovaj, ako nije naveden): dato, primljeno, ispunjeno, zakasnelo; u sobi kruga, izveštaj kruga po članovima (odgovaram tamo); u našem direktnom razgovoru, vaš"},
	ledger.VerbAbout:      {"[tekst]", "recite nešto o sebi (do 180 znakova); bez teksta: vaš profil"},
	ledger.VerbRequisites: {"[<tekst> | default <br> | remove <br>]", "vaši podaci za uplatu, prikazani onima koji vam se obavežu: dodajte, izaberite podrazumevane, uklonite"},
	ledger.VerbMute:       {"[vrsta]", "isključite jednu vrstu obaveštenja; bez vrste: vrste"},
	ledger.VerbUnmute:     {"<vrsta>", "ponovo primajte tu vrstu obaveštenja"},
	ledger.VerbLang:       {"ru | en | sr", "jezik na kom vam se obraćam"},
	ledger.VerbZone:       {"[<zona> | default]", "vremenska zona u kojoj prikazujem vreme, na primer Europe/Belgrade; default: zona kruga"},
	ledger.VerbLeave:      {"[confirm]", "napustite Exodus: obrišite svoje podatke i otkažite namere prema vama i od vas"},
	ledger.VerbWeb:        {"", "jednokratni link (10 minuta) za prijavu u veb-organizator; šaljem ga u naš direktni razgovor"},
	ledger.VerbWidget:     {"[off]", "dodajte veb-organizator u sobu ovog kruga kao Element vidžet (samo vlasnik); off ga uklanja"},
	ledger.VerbToken:      {"[new <ime> [read|write] | revoke <ime>]", "vaši lični API tokeni: spisak, napravite jedan (prikazan jednom, u našem direktnom razgovoru) ili ga opozovite"},
}

// sectionsSR are the Serbian titles of the help's sections, by their
// English title.
var sectionsSR = map[string]string{
	"Trust":              "Poverenje",
	"Mutual aid":         "Uzajamna pomoć",
	"Initiatives":        "Inicijative",
	"Kassa and clearing": "Kasa i kliring",
	"Overviews (answered in our direct chat)": "Pregledi (odgovaram u našem direktnom razgovoru)",
	"Profile":               "Profil",
	"Web organizer and API": "Veb-organizator i API",
}
