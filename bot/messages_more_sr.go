package bot

// The Serbian parts of the catalogue that sit beside their English and
// Russian ones in the files of their role (messages_web.go, …); their keys
// are those of the English parts.

// webSR is the Serbian catalogue of the web organizer and API tokens.
var webSR = map[string]string{
	"web.link":           "🌐 Vaš link za prijavu u veb-organizator (za jednu upotrebu, važi %[2]v {2:minut|minuta|minuta}; ne delite ga):\n\n%[1]v",
	"web.sent_direct":    "Poslao sam ga u naš direktni razgovor: lični je.",
	"web.off":            "Veb-organizator nije podešen na ovom botu (`web.public_url` u njegovoj konfiguraciji).",
	"web.too_many_links": "Zatražili ste %[1]v linkova za prijavu u roku od sat vremena; sačekajte malo i zatražite ponovo.",
	"web.chat_only":      "`%[1]v` je komanda za razgovor: napišite je u našem direktnom razgovoru.",
	"web.not_member":     "Niste član tog kruga.",
	"web.other_bot":      "U tom krugu odgovara bot druge zajednice: delujte tamo u razgovoru, ili u veb-organizatoru tog bota.",
	"web.action":         "🌐 %[1]v, na vebu: `%[2]v`",
	"token.created":      "🔑 Novi API token `%[1]v` (%[2]v). Prikazuje se samo ovaj put; čuvajte ga u tajnosti:\n\n`%[3]v`\n\nŠaljite ga kao `Authorization: Bearer <token>` na %[4]v. Opozovite ga sa `token revoke %[1]v`.",
	"token.scope_read":   "samo čitanje",
	"token.scope_write":  "čitanje i pisanje",
	"token.revoked":      "🔑 Token `%[1]v` je opozvan: više ne radi.",
	"token.none":         "Nemate API tokene. Napravite jedan sa `token new <ime>` (dodajte `write` da bi mogao da deluje u vaše ime).",
	"token.list":         "🔑 Vaši API tokeni:",
	"token.bad_name":     "Naziv tokena ima od 1 do %[1]v slova, cifara, `-`, `_` ili `.`.",
	"token.bad_scope":    "Token je `read` ili `write`.",
	"token.exists":       "Već imate token pod nazivom `%[1]v`: prvo ga opozovite, ili izaberite drugi naziv.",
	"token.too_many":     "Imate %[1]v tokena, najviše što je dozvoljeno: prvo opozovite jedan (`token revoke <ime>`).",
	"token.unknown":      "Nemate token pod nazivom `%[1]v`; `token` prikazuje vaše.",
}

// followSR is the Serbian catalogue of the roles among bots.
var followSR = map[string]string{
	"circle.takeover_silent": "🔁 %[1]v ovde nije odgovarao %[3]v, pa od sada u ovom krugu odgovara %[2]v. Knjiga je ista: svaki bot u sobi je izračunava iz događaja sobe.",
	"circle.takeover_left":   "🔁 %[1]v je napustio ovaj krug, pa od sada u njemu odgovara %[2]v. Knjiga je ista: svaki bot u sobi je izračunava iz događaja sobe.",
	"relay.op":               "📒 Zabeleženo za svakog bota ovog kruga: radnja preduzeta u direktnom razgovoru: `%[1]v`.",
	"relay.unreact":          "📒 Zabeleženo za svakog bota ovog kruga: uklonjena je reakcija, čime je povučena namera.",
	"relay.removed":          "📒 Zabeleženo za svakog bota ovog kruga: poruka je uklonjena, ali njeno `%[1]v` i dalje važi.",
	"relay.other_bot":        "U vašim krugovima odgovara %[1]v, a ne ovaj bot: napišite ovo botu %[1]v (ili u krugu), da bi ga uračunao svaki bot vaših krugova.",
}

// kassaSR is the Serbian catalogue of the kassa and clearing.
var kassaSR = map[string]string{
	"kassa.declared":       "🏦 Kasi kruga **%[2]v** daćete najviše %[1]v mesečno. Zahtev u njoj se deli srazmerno onome što su njeni članovi prijavili, a svi njeni zahtevi u jednom mesecu zajedno nikada od vas ne traže više.",
	"kassa.legacy_dropped": "Vaš raniji maksimum za celu kasu više ne važi: maksimum se prijavljuje za svaki krug, u njegovoj sobi (`%[1]v kassa <iznos>`).",
	"kassa.view":           "**Kasa kruga %[1]v** (%[2]v): %[3]v {3:član je prijavio|člana su prijavila|članova je prijavilo} ukupno %[4]v mesečno. Vaše: %[5]v.",
	"kassa.view_line":      "**%[1]v** (%[2]v): %[3]v {3:član je prijavio|člana su prijavila|članova je prijavilo} ukupno %[4]v mesečno. Vaše: %[5]v.",
	"kassa.view_all":       "🏦 **Kasa** svakog od vaših krugova:",
	"kassa.view_no_circle": "🏦 Još niste ni u jednom krugu, pa nemate kasu: maksimum se prijavljuje u sobi kruga.",
	"kassa.view_outsider":  "🏦 Niste član ovog kruga, pa njegova kasa nije vaša.",
	"kassa.none_yet":       "još ništa (`kassa <iznos>` u sobi kruga)",
	"kassa.yours":          "%[1]v mesečno; ovog meseca traženo %[2]v, ostalo %[3]v",
	"kassa.yours_legacy":   "%[1]v mesečno, prijavljeno pre nego što su maksimumi bili po krugu (važi u svakom krugu za koji niste prijavili nijedan; prijavite jedan ovde da ga zamenite); ovog meseca traženo %[2]v, ostalo %[3]v",
	"kassa.no_circle":      "Maksimum kase se prijavljuje za krug, a vi još niste ni u jednom.",
	"kassa.which_circle":   "U više ste krugova, a maksimum kase se prijavljuje za jedan od njih: napišite `%[1]v` u sobi kruga na koji mislite (%[2]v).",
	"kassa.exhausted":      "Maksimumi koje su članovi ovog kruga prijavili u %[1]v potrošeni su ovog meseca: nema među kim da se zahtev podeli. Odobrite ga ponovo sledećeg meseca.",
	"card.claim_uncovered": "%[1]v od toga prelazi ono što je ovog meseca ostalo od maksimuma članova: to se ni od koga ne traži.",
	"kassa.claimed":        "🏦 Vaš zahtev od %[1]v je objavljen; drugi član mora da ga odobri (odgovorom `approve` na njegovu karticu) pre nego što se podeli.",
	"kassa.approved":       "🏦 Odobrili ste zahtev osobe %[1]v; njegovi udeli su objavljeni.",
	"kassa.your_share":     "🏦 Vaš udeo u zahtevu kasi osobe %[1]v (%[3]v): **%[2]v**. Odgovorite `commit` na ovu poruku da se obavežete, ili `withdraw` da odbijete; odbijeni udeo ide ostalima.",
	"kassa.share_now":      "🏦 Jedan član je odbio svoj udeo u zahtevu osobe %[1]v: vaš udeo je sada **%[2]v**. Odgovorite `commit` ili `withdraw` na ovu poruku.",
	"card.claim":           "🏦 **Zahtev kasi** osobe %[1]v: %[2]v — %[3]v",
	"card.claim_wait":      "Čeka odobrenje: drugi član (ne podnosilac) odgovara `approve` na ovu karticu.",
	"card.claim_open":      "Deli se srazmerno onome što je ovog meseca ostalo od maksimuma koje su prijavili članovi kruga; svaki član se obavezuje na svoj udeo ili ga odbija u našem direktnom razgovoru.",
	"kassa.unchanged":      "Već ste prijavili %[1]v mesečno.",
	"kassa.not_claim":      "To nije zahtev kasi: odgovorite `approve` na karticu zahteva.",
	"kassa.self_approval":  "Ne možete odobriti sopstveni zahtev: mora drugi član.",
	"kassa.not_proposed":   "Ovaj zahtev je već odobren.",
	"kassa.empty":          "Niko u ovom krugu još nije prijavio maksimum kase u %[1]v, pa nema među kim da se zahtev podeli.",

	"clearing.agreed":            "Pristali ste na prebijanje ciklusa `%[1]v` (pristalo je %[2]v od %[3]v). Prebija se kada pristanu svi u njemu.",
	"clearing.applied":           "✅ Svi su pristali: ciklus `%[1]v` je prebijen; %[2]v od svakog duga u njemu računa se kao ispunjeno.",
	"clearing.agreed_told":       "%[1]v je pristao/la na prebijanje ciklusa `%[2]v` (%[3]v od %[4]v). Napišite `clearing` da ga vidite, i `clearing agree %[2]v` da pristanete.",
	"clearing.applied_told":      "✅ Ciklus `%[1]v` je prebijen: %[2]v vašeg duga u njemu računa se kao ispunjeno, kao i isto toliko što se duguje vama.",
	"clearing.stale":             "Taj ciklus ili lanac se sada ne može prebiti: obaveze u njemu su se promenile (ili je ID pogrešan). Napišite `clearing` za trenutni predlog.",
	"clearing.not_member":        "Niste u tom ciklusu ili lancu, pa nije na vama da pristanete.",
	"clearing.already_agreed":    "Već ste pristali na prebijanje ciklusa `%[1]v`.",
	"clearing.chain_agreed":      "Pristali ste na skraćivanje lanca `%[1]v` (pristalo je %[2]v od 3). Skraćuje se kada pristanu sva trojica.",
	"clearing.chain_agreed_told": "%[1]v je pristao/la na skraćivanje lanca `%[2]v` (%[3]v od 3). Napišite `clearing` da ga vidite, i `clearing agree %[2]v` da pristanete.",
	"clearing.chain_applied":     "✅ Sva trojica su pristala: lanac `%[1]v` je skraćen. %[2]v sada duguje osobi %[3]v %[4]v direktno; toliko od duga osobe %[2]v prema osobi %[5]v računa se kao ispunjeno, a %[5]v duguje osobi %[3]v toliko manje.",
	"need.past_deadline":         "Vreme ovog prikupljanja osobe %[1]v je isteklo, pa ne prima više obećanja.",
}

// pollSR is the Serbian catalogue of the initiatives' polls.
var pollSR = map[string]string{
	"poll.end_funded":               "Anketa je završena: inicijativa „%[1]v” je finansirana.",
	"poll.end_done":                 "Anketa je završena: inicijativa „%[1]v” je završena.",
	"poll.end_expired":              "Anketa je završena: inicijativa „%[1]v” nije finansirana do roka.",
	"poll.ended":                    "Anketa za **%[1]v** je završena, pa vaš odgovor ništa nije promenio. Dok je inicijativa otvorena, još možete da je podržite: odgovorite na njenu karticu iznosom, ili reagujte ❤️.",
	"card.initiative_howto_no_poll": "Glasajte sa ❤️ ili odgovorite iznosom; obavežite se sa 🤝 ili `commit [iznos]`.",
}

// encryptedSR is the Serbian catalogue of encrypted rooms.
var encryptedSR = map[string]string{
	"encrypted.room":       "%[1]v, ova soba je šifrovana s kraja na kraj, a ja još ne mogu da čitam šifrovane poruke, pa ništa što ovde napišete ne stiže do mene. Otvorio sam sa vama direktni razgovor bez šifrovanja: razgovarajte sa mnom tamo, i tamo ponovo napišite svaku komandu koju ste napisali ovde.",
	"encrypted.room_known": "%[1]v, ova soba je šifrovana s kraja na kraj, a ja još ne mogu da čitam šifrovane poruke, pa ništa što ovde napišete ne stiže do mene. Razgovarajte sa mnom u našem direktnom razgovoru bez šifrovanja, i tamo ponovo napišite svaku komandu koju ste napisali ovde.",
	"encrypted.lost":       "%[1]v, nisam mogao da pročitam poruku koju ste ovde poslali u %[2]v: njen ključ za šifrovanje nikada nije stigao do mene. Ako je to bila komanda, pošaljite je ponovo.",
	"encrypted.direct":     "Ovde vas mogu čitati. Ako ste napisali komandu u šifrovanoj sobi, napišite je ponovo ovde; `help` pokazuje šta umem.",
}

// healthSR is the Serbian catalogue of the health figures.
var healthSR = map[string]string{
	"health.circle":      "🩺 **Kako se ispunjavaju obaveze kruga %[1]v**",
	"health.member":      "🩺 **Kako se ispunjavaju obaveze koje je dao/la %[1]v**",
	"health.none":        "Još nema obaveza.",
	"health.confirmed":   "Potvrđen prijem: **%[3]v %%** obaveza (%[1]v od %[2]v).",
	"health.value":       "Po vrednosti, u %[3]v: **%[4]v %%**, potvrđeno %[1]v od obavezanih %[2]v.",
	"health.kickstarter": "(Kickstarter je prikupio oko 85 %% od obećanog.)",
	"health.states":      "Označeno kao poslato, čeka potvrdu: %[1]v. Još se duguje, nije poslato: %[2]v. Zakasnelo (posle roka, nepotvrđeno): %[3]v (**%[4]v %%** obaveza). Oprošteno: %[5]v.",
	"health.median":      "Medijana vremena od obaveze do potvrde: %[1]v.",
	"health.month":       "Ovog meseca: dato %[1]v (potvrđen prijem), prema fondu od %[2]v obećanih.",
	"health.released":    "%[1]v {1:obavezu je|obaveze je|obaveza je} knjiga oslobodila (potreba je zatvorena, ili je njen vlasnik otišao) i {1:ona se ne računa|one se ne računaju|one se ne računaju}.",
	"health.not_member":  "Niste član ovog kruga, pa vam se njegove brojke ne prikazuju.",
	"health.not_shared":  "Vi i %[1]v nemate zajednički krug, pa vam se njegove/njene brojke ne prikazuju.",
	"health.day":         "{1:dan|dana|dana}",
}

// capacitySR is the Serbian catalogue of what can reach a member.
var capacitySR = map[string]string{
	"capacity.result": "🌊 **Šta do vas može stići preko jemstava:** %[1]v.",
	"capacity.paths":  "Najveći putevi koji to nose (prvi član daje, ostali prenose dalje):",
	"capacity.path":   "%[1]v: %[2]v",
	"capacity.you":    "vi",
	"capacity.more":   "…i još %[1]v {1:put|puta|puteva}.",
	"capacity.none":   "🌊 Trenutno vam preko jemstava ne može stići nikakva pomoć: još nemate jemstva, ili su jemstva vaše liste poverenja zauzeta otvorenim obavezama.",
	"capacity.model":  "Svaki član daje najviše ono što mu je ostalo od jemstva posle otvorenih obaveza; jemstvo nosi najviše manje od jemstava njegova dva člana; prenošenje pomoći dalje ne troši ništa od sopstvenog jemstva.",
}

// widgetSR is the Serbian catalogue of the room widget.
var widgetSR = map[string]string{
	"widget.added":      "🧩 Veb-organizator je sada vidžet ove sobe: u Elementu (veb ili desktop) otvorite informacije o sobi i izaberite **Exodus**. Sam vas prijavljuje pošto mu dozvolite da potvrdi vaš Matrix ID. Element X još ne prikazuje vidžete: tamo koristite `%[1]v web`. `%[1]v widget off` ga uklanja.",
	"widget.already":    "🧩 Ova soba već ima vidžet veb-organizatora.",
	"widget.removed":    "🧩 Vidžet veb-organizatora je uklonjen iz ove sobe. `%[1]v widget` ga ponovo dodaje.",
	"widget.none":       "Ova soba nema vidžet veb-organizatora. `%[1]v widget` ga dodaje.",
	"widget.not_owner":  "Samo vlasnik ovog kruga (%[1]v) ili suvlasnik može da doda ili ukloni njegov vidžet.",
	"widget.no_power":   "Ovde ne mogu da dodam vidžet: moj nivo ovlašćenja u ovoj sobi je %[1]v, a vidžetima treba %[2]v. Administrator sobe može da podigne moj nivo (Podešavanja sobe → Uloge i dozvole), ili da spusti nivo za „Izmena vidžeta”; zatim zatražite ponovo.",
	"widget.not_framed": "Veb-organizator ovog bota još se ne sme prikazivati unutar Elementa: njegov operator navodi Element adrese kojima je to dozvoljeno u `web.frame_origins`. Do tada koristite `web`.",
	"widget.forbidden":  "Homeserver mi nije dozvolio da dodam vidžet: moj nivo ovlašćenja u ovoj sobi je prenizak. Administrator sobe može da ga podigne (Podešavanja sobe → Uloge i dozvole); zatim zatražite ponovo.",
}

// rolesSR is the Serbian catalogue of a circle's roles.
var rolesSR = map[string]string{
	"roles.handed_over":     "👑 %[1]v je sada vlasnik kruga **%[2]v**. %[3]v ostaje suvlasnik.",
	"roles.you_own":         "👑 %[1]v vam je predao/la krug **%[2]v**: sada ste njegov vlasnik. Tamo možete imenovati suvlasnike (`%[3]v coowner @user`) i uklanjati članove (`%[3]v remove @user`).",
	"roles.coowner_named":   "🤝 %[1]v je sada suvlasnik kruga **%[2]v**: može da menja njegovo jemstvo i jezik i da uklanja članove.",
	"roles.you_coowner":     "🤝 %[1]v vas je imenovao/la za suvlasnika kruga **%[2]v**: tamo možete da menjate njegovo jemstvo i jezik i da uklanjate članove (`%[3]v remove @user`).",
	"roles.demoted":         "%[1]v više nije suvlasnik kruga **%[2]v**.",
	"roles.you_demoted":     "%[1]v vam je oduzeo/la suvlasništvo kruga **%[2]v**; ostajete član.",
	"roles.removed":         "🚪 %[1]v je uklonjen/a iz kruga **%[2]v**. Njegova/njena obećanja ostaju u knjizi kakva jesu.",
	"roles.removed_in_room": "🚪 %[1]v je uklonjen/a iz kruga **%[2]v** i više ne može da deluje u njemu, ali nisam mogao da ga/je izvedem iz sobe (nemam ovlašćenje za to): moderator sobe može. Njegova/njena obećanja ostaju u knjizi kakva jesu.",
	"roles.you_removed":     "🚪 %[1]v vas je uklonio/la iz kruga **%[2]v**. Više ne možete da delujete u njemu. Vaša obećanja tamo ostaju u knjizi kakva jesu: ono na šta ste se obavezali i dalje se duguje, a ono što je obećano vama i dalje važi. Vlasnik ili suvlasnik može ponovo da vas pozove.",
	"roles.kick_reason":     "uklonjen/a iz kruga; uklonio/la: %[1]v",
	"roles.owner_only":      "Samo vlasnik ovog kruga (%[1]v) može da ga preda ili da imenuje i razrešava suvlasnike.",
	"roles.managers_only":   "Samo vlasnik ovog kruga (%[1]v) ili suvlasnik može da ukloni člana.",
	"roles.self":            "Već ste vlasnik ovog kruga.",
	"roles.is_owner":        "%[1]v je vlasnik ovog kruga: vlasnik nije istovremeno i suvlasnik.",
	"roles.already_coowner": "%[1]v je već suvlasnik.",
	"roles.not_coowner":     "%[1]v nije suvlasnik ovog kruga.",
	"roles.too_many":        "Krug ima najviše %[1]v suvlasnika: prvo razrešite jednog (`demote @user`).",
	"roles.not_member":      "%[1]v nije član ovog kruga: ulogu može dobiti ili biti uklonjen samo član koji je ušao u njegovu sobu.",
	"roles.remove_self":     "Ne možete ukloniti sebe: umesto toga napustite sobu (vlasnik prvo predaje krug: `owner @user`).",
	"roles.remove_owner":    "%[1]v je vlasnik ovog kruga i ne može biti uklonjen.",
	"roles.remove_coowner":  "%[1]v je suvlasnik: samo vlasnik može ukloniti suvlasnika (ili ga prvo razrešite: `demote @user`).",
	"roles.already_removed": "%[1]v je već uklonjen/a iz ovog kruga.",
}

// deadlineSR is the Serbian catalogue of the red collection's deadline
// warning and of the monthly report.
var deadlineSR = map[string]string{
	"deadline.owner":       "⏳ **Vaše hitno prikupljanje se uskoro završava**: poslednji dan je %[1]v. Još nedostaje: **%[2]v** od %[3]v (obavezano %[4]v). Zamolite svoje krugove, ili promenite status ako je potreba prošla.",
	"report.member":        "📅 **Vaš izveštaj za %[1]v**",
	"report.circle":        "📅 **Izveštaj kruga %[2]v za %[1]v**",
	"report.given":         "🤝 Dato: %[1]v {1:obaveza|obaveze|obaveza}, ispunjeno %[2]v (prijem potvrđen), zakasnelo %[3]v; po vrednosti: %[4]v.",
	"report.given_none":    "🤝 Dato: ovog meseca nije preuzeta nijedna obaveza.",
	"report.received":      "🎁 Primljeno: %[1]v {1:obaveza|obaveze|obaveza}, ispunjeno %[2]v (prijem potvrđen), zakasnelo %[3]v; po vrednosti: %[4]v.",
	"report.received_none": "🎁 Primljeno: ovog meseca niko nije preuzeo obavezu prema vama.",
	"report.total":         "Obaveze preuzete u krugu: %[1]v, ispunjeno %[2]v (prijem potvrđen), zakasnelo %[3]v; po vrednosti: %[4]v.",
	"report.total_none":    "Ovog meseca u krugu nije preuzeta nijedna obaveza.",
	"report.row":           "%[1]v — dao/la %[2]v (ispunjeno %[3]v, zakasnelo %[4]v); primio/la %[5]v (ispunjeno %[6]v, zakasnelo %[7]v)",
	"report.value":         "potvrđeno %[1]v od %[2]v",
	"report.note":          "(Računaju se obaveze preuzete u tom mesecu; ispunjeno: primalac je potvrdio; zakasnelo: još se duguje posle roka.)",
	"report.bad_month":     "%[1]v nije mesec: napišite godinu i mesec, na primer `report 2026-11`.",
	"report.future":        "Mesec %[1]v još nije počeo: zatražite ovaj mesec ili neki raniji.",
	"report.not_yours":     "Izveštaj člana se prikazuje samo tom članu.",
	"deadline.giver":       "⏳ **Hitno prikupljanje osobe %[1]v se uskoro završava**: poslednji dan je %[2]v. Još nedostaje: **%[3]v** od %[4]v (obavezano %[5]v). Odgovorite `commit <iznos>` na njegovu karticu da date još, i ispunite ono na šta ste se obavezali.",
}
