package grammar_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/ledger/grammar"
)

// eur and rub are amounts in euro and roubles, in major units.
func eur(n int64) ledger.Amount   { return ledger.Amount{Minor: n * 100, Currency: "EUR"} }
func rub(n int64) ledger.Amount   { return ledger.Amount{Minor: n * 100, Currency: "RUB"} }
func hours(n int64) ledger.Amount { return ledger.Amount{Minor: n * 100, Currency: ledger.Hours} }
func items(n int64) ledger.Amount { return ledger.Amount{Minor: n, Currency: ledger.Items} }

func TestParseAidValid(t *testing.T) {
	alice := ledger.UserID("@alice:example.org")
	bob := ledger.UserID("@bob:example.org")
	en, ru := ledger.LangEN, ledger.LangRU
	about180 := strings.Repeat("я", ledger.MaxAboutRunes)
	req300 := strings.Repeat("z", ledger.MaxRequisiteRunes)
	cases := []struct {
		body string
		opt  grammar.Options
		want ledger.Command
	}{
		// status
		{"!ex status green", room, ledger.Command{Verb: ledger.VerbStatus, Lang: en, Rest: "green", Status: ledger.StatusGreen}},
		{"!ex status GREEN again", room, ledger.Command{Verb: ledger.VerbStatus, Lang: en, Rest: "GREEN again", Status: ledger.StatusGreen}},
		{"!ex статус зелёный", room, ledger.Command{Verb: ledger.VerbStatus, Lang: ru, Rest: "зелёный", Status: ledger.StatusGreen}},
		{"!ex статус Зеленый.", room, ledger.Command{Verb: ledger.VerbStatus, Lang: ru, Rest: "Зеленый.", Status: ledger.StatusGreen}},
		{"!ex status orange 300", room, ledger.Command{Verb: ledger.VerbStatus, Lang: en, Rest: "orange 300",
			Status: ledger.StatusOrange, Amount: eur(300)}},
		{"!ex status yellow 300 EUR", room, ledger.Command{Verb: ledger.VerbStatus, Lang: en, Rest: "yellow 300 EUR",
			Status: ledger.StatusOrange, Amount: eur(300)}},
		{"!ex статус оранжевый 5000 руб", room, ledger.Command{Verb: ledger.VerbStatus, Lang: ru, Rest: "оранжевый 5000 руб",
			Status: ledger.StatusOrange, Amount: rub(5000)}},
		{"!ex статус жёлтый €300", room, ledger.Command{Verb: ledger.VerbStatus, Lang: ru, Rest: "жёлтый €300",
			Status: ledger.StatusOrange, Amount: eur(300)}},
		{"!ex статус желтый 300", room, ledger.Command{Verb: ledger.VerbStatus, Lang: ru, Rest: "желтый 300",
			Status: ledger.StatusOrange, Amount: eur(300)}},
		{"!ex status red 300 7", room, ledger.Command{Verb: ledger.VerbStatus, Lang: en, Rest: "red 300 7",
			Status: ledger.StatusRed, Amount: eur(300), Days: 7}},
		{"!ex status red 300 EUR 14 days", room, ledger.Command{Verb: ledger.VerbStatus, Lang: en, Rest: "red 300 EUR 14 days",
			Status: ledger.StatusRed, Amount: eur(300), Days: 14}},
		{"!ex status red €300 1 day", room, ledger.Command{Verb: ledger.VerbStatus, Lang: en, Rest: "red €300 1 day",
			Status: ledger.StatusRed, Amount: eur(300), Days: 1}},
		{"!ex status red $12.50 31d", room, ledger.Command{Verb: ledger.VerbStatus, Lang: en, Rest: "red $12.50 31d",
			Status: ledger.StatusRed, Amount: ledger.Amount{Minor: 1250, Currency: "USD"}, Days: ledger.MaxRedDays}},
		{"!ex status red 300 5 D", room, ledger.Command{Verb: ledger.VerbStatus, Lang: en, Rest: "red 300 5 D",
			Status: ledger.StatusRed, Amount: eur(300), Days: 5}},
		{"!ex статус красный 30000 руб 10 дней", room, ledger.Command{Verb: ledger.VerbStatus, Lang: ru,
			Rest: "красный 30000 руб 10 дней", Status: ledger.StatusRed, Amount: rub(30000), Days: 10}},
		{"!ex статус красный 500 р 2 дня", room, ledger.Command{Verb: ledger.VerbStatus, Lang: ru,
			Rest: "красный 500 р 2 дня", Status: ledger.StatusRed, Amount: rub(500), Days: 2}},
		{"!ex статус красный ₽500 1 день", room, ledger.Command{Verb: ledger.VerbStatus, Lang: ru,
			Rest: "красный ₽500 1 день", Status: ledger.StatusRed, Amount: rub(500), Days: 1}},
		{"!ex статус красный 500 03д", room, ledger.Command{Verb: ledger.VerbStatus, Lang: ru,
			Rest: "красный 500 03д", Status: ledger.StatusRed, Amount: eur(500), Days: 3}},
		{"!ex статус красный 500\t7 д", room, ledger.Command{Verb: ledger.VerbStatus, Lang: ru,
			Rest: "красный 500\t7 д", Status: ledger.StatusRed, Amount: eur(500), Days: 7}},
		// help in kind: hours and a quoted thing
		{"!ex status orange 4 h", room, ledger.Command{Verb: ledger.VerbStatus, Lang: en, Rest: "orange 4 h",
			Status: ledger.StatusOrange, Amount: hours(4)}},
		{"!ex статус оранжевый 4 ч", room, ledger.Command{Verb: ledger.VerbStatus, Lang: ru, Rest: "оранжевый 4 ч",
			Status: ledger.StatusOrange, Amount: hours(4)}},
		{"!ex status orange 2 hours", room, ledger.Command{Verb: ledger.VerbStatus, Lang: en, Rest: "orange 2 hours",
			Status: ledger.StatusOrange, Amount: hours(2)}},
		{"!ex status red 6 h 3 days", room, ledger.Command{Verb: ledger.VerbStatus, Lang: en, Rest: "red 6 h 3 days",
			Status: ledger.StatusRed, Amount: hours(6), Days: 3}},
		{`!ex status red "a lift to the hospital" 2 days`, room, ledger.Command{Verb: ledger.VerbStatus, Lang: en,
			Rest: `red "a lift to the hospital" 2 days`, Status: ledger.StatusRed, Amount: items(1), Days: 2,
			Text: "a lift to the hospital"}},
		{"!ex статус красный «кровать» 3 дня", room, ledger.Command{Verb: ledger.VerbStatus, Lang: ru,
			Rest: "красный «кровать» 3 дня", Status: ledger.StatusRed, Amount: items(1), Days: 3, Text: "кровать"}},
		{`!ex status red "a bed" 5d`, room, ledger.Command{Verb: ledger.VerbStatus, Lang: en,
			Rest: `red "a bed" 5d`, Status: ledger.StatusRed, Amount: items(1), Days: 5, Text: "a bed"}},
		{`!ex status orange "a weekly lift"`, room, ledger.Command{Verb: ledger.VerbStatus, Lang: en,
			Rest: `orange "a weekly lift"`, Status: ledger.StatusOrange, Amount: items(1), Text: "a weekly lift"}},
		{"!ex intend 2 h", room, ledger.Command{Verb: ledger.VerbIntend, Lang: en, Rest: "2 h", Amount: hours(2)}},
		{"!ex намерение 1,5 часа", room, ledger.Command{Verb: ledger.VerbIntend, Lang: ru, Rest: "1,5 часа",
			Amount: ledger.Amount{Minor: 150, Currency: ledger.Hours}}},
		// intend, commit
		{"!ex intend", room, ledger.Command{Verb: ledger.VerbIntend, Lang: en}},
		{"!ex intend 30", room, ledger.Command{Verb: ledger.VerbIntend, Lang: en, Rest: "30", Amount: eur(30)}},
		{"!ex намерение 1000 рублей", room, ledger.Command{Verb: ledger.VerbIntend, Lang: ru, Rest: "1000 рублей", Amount: rub(1000)}},
		{"!ex намерен", room, ledger.Command{Verb: ledger.VerbIntend, Lang: ru}},
		{"!ex commit €12,50", room, ledger.Command{Verb: ledger.VerbCommit, Lang: en, Rest: "€12,50",
			Amount: ledger.Amount{Minor: 1250, Currency: "EUR"}}},
		{"!ex обязательство", room, ledger.Command{Verb: ledger.VerbCommit, Lang: ru}},
		{"!ex обязуюсь 20", room, ledger.Command{Verb: ledger.VerbCommit, Lang: ru, Rest: "20", Amount: eur(20)}},
		// no arguments, extra text ignored
		{"!ex withdraw", room, ledger.Command{Verb: ledger.VerbWithdraw, Lang: en}},
		{"!ex отозвать извините", room, ledger.Command{Verb: ledger.VerbWithdraw, Lang: ru, Rest: "извините"}},
		{"!ex sent", room, ledger.Command{Verb: ledger.VerbSent, Lang: en}},
		{"!ex отправил", room, ledger.Command{Verb: ledger.VerbSent, Lang: ru}},
		{"!ex Отправила вчера", room, ledger.Command{Verb: ledger.VerbSent, Lang: ru, Rest: "вчера"}},
		{"!ex отправлено", room, ledger.Command{Verb: ledger.VerbSent, Lang: ru}},
		{"!ex my", room, ledger.Command{Verb: ledger.VerbMy, Lang: en}},
		{"!ex мои обещания", room, ledger.Command{Verb: ledger.VerbMy, Lang: ru, Rest: "обещания"}},
		{"!ex tome", room, ledger.Command{Verb: ledger.VerbToMe, Lang: en}},
		{"!ex To-Me", room, ledger.Command{Verb: ledger.VerbToMe, Lang: en}},
		{"!ex мне", room, ledger.Command{Verb: ledger.VerbToMe, Lang: ru}},
		{"!ex pending", room, ledger.Command{Verb: ledger.VerbPending, Lang: en}},
		{"!ex ожидают", room, ledger.Command{Verb: ledger.VerbPending, Lang: ru}},
		{"!ex archive 2024", room, ledger.Command{Verb: ledger.VerbArchive, Lang: en, Rest: "2024"}},
		{"!ex архив", room, ledger.Command{Verb: ledger.VerbArchive, Lang: ru}},
		{"!ex overdue", room, ledger.Command{Verb: ledger.VerbOverdue, Lang: en}},
		{"!ex просрочено", room, ledger.Command{Verb: ledger.VerbOverdue, Lang: ru}},
		{"!ex network", room, ledger.Command{Verb: ledger.VerbNetwork, Lang: en}},
		{"!ex сеть", room, ledger.Command{Verb: ledger.VerbNetwork, Lang: ru}},
		// got, forgive, remind
		{"!ex got", room, ledger.Command{Verb: ledger.VerbGot, Lang: en}},
		{"!ex got", mention(room, bob), ledger.Command{Verb: ledger.VerbGot, Lang: en, User: bob}},
		{"!ex got @alice:example.org", room, ledger.Command{Verb: ledger.VerbGot, Lang: en, Rest: "@alice:example.org", User: alice}},
		{"!ex получил Боб", mention(room, bob), ledger.Command{Verb: ledger.VerbGot, Lang: ru, Rest: "Боб", User: bob}},
		{"!ex получила", room, ledger.Command{Verb: ledger.VerbGot, Lang: ru}},
		{"!ex получено @bob:example.org, спасибо", room, ledger.Command{Verb: ledger.VerbGot, Lang: ru,
			Rest: "@bob:example.org, спасибо", User: bob}},
		{"!ex forgive @bob:example.org", room, ledger.Command{Verb: ledger.VerbForgive, Lang: en, Rest: "@bob:example.org", User: bob}},
		{"!ex простить", mention(room, bob), ledger.Command{Verb: ledger.VerbForgive, Lang: ru, User: bob}},
		{"!ex remind Alice", mention(room, alice), ledger.Command{Verb: ledger.VerbRemind, Lang: en, Rest: "Alice", User: alice}},
		{"!ex напомнить https://matrix.to/#/@alice:example.org", room, ledger.Command{Verb: ledger.VerbRemind, Lang: ru,
			Rest: "https://matrix.to/#/@alice:example.org", User: alice}},
		// about
		{"!ex about", room, ledger.Command{Verb: ledger.VerbAbout, Lang: en}},
		{"!ex about Designer in Lisbon,  two cats\n\tand a plant", room, ledger.Command{Verb: ledger.VerbAbout, Lang: en,
			Rest: "Designer in Lisbon,  two cats\n\tand a plant", Text: "Designer in Lisbon,  two cats\n\tand a plant"}},
		{"!ex обомне Дизайнер\r\nиз Тбилиси", room, ledger.Command{Verb: ledger.VerbAbout, Lang: ru,
			Rest: "Дизайнер\r\nиз Тбилиси", Text: "Дизайнер\r\nиз Тбилиси"}},
		{"!ex О-себе " + about180, room, ledger.Command{Verb: ledger.VerbAbout, Lang: ru, Rest: about180, Text: about180}},
		// requisites
		{"!ex requisites", room, ledger.Command{Verb: ledger.VerbRequisites, Lang: en, Requisites: ledger.RequisitesList}},
		{"!ex requisites IBAN PT50 0002 0123 1234 5678 9015 4", room, ledger.Command{Verb: ledger.VerbRequisites, Lang: en,
			Rest: "IBAN PT50 0002 0123 1234 5678 9015 4", Requisites: ledger.RequisitesAdd, Text: "IBAN PT50 0002 0123 1234 5678 9015 4"}},
		{"!ex requisites default 2", room, ledger.Command{Verb: ledger.VerbRequisites, Lang: en, Rest: "default 2",
			Requisites: ledger.RequisitesDefault, Index: 2}},
		{"!ex requisites DEFAULT 1 please", room, ledger.Command{Verb: ledger.VerbRequisites, Lang: en, Rest: "DEFAULT 1 please",
			Requisites: ledger.RequisitesDefault, Index: 1}},
		{"!ex requisites remove 5", room, ledger.Command{Verb: ledger.VerbRequisites, Lang: en, Rest: "remove 5",
			Requisites: ledger.RequisitesRemove, Index: ledger.MaxRequisites}},
		{"!ex реквизиты", room, ledger.Command{Verb: ledger.VerbRequisites, Lang: ru}},
		{"!ex реквизиты Сбер 2202 2000 0000 0000", room, ledger.Command{Verb: ledger.VerbRequisites, Lang: ru,
			Rest: "Сбер 2202 2000 0000 0000", Requisites: ledger.RequisitesAdd, Text: "Сбер 2202 2000 0000 0000"}},
		{"!ex реквизиты по-умолчанию 3", room, ledger.Command{Verb: ledger.VerbRequisites, Lang: ru, Rest: "по-умолчанию 3",
			Requisites: ledger.RequisitesDefault, Index: 3}},
		{"!ex реквизиты по умолчанию 3", room, ledger.Command{Verb: ledger.VerbRequisites, Lang: ru, Rest: "по умолчанию 3",
			Requisites: ledger.RequisitesDefault, Index: 3}},
		{"!ex реквизиты основные 1", room, ledger.Command{Verb: ledger.VerbRequisites, Lang: ru, Rest: "основные 1",
			Requisites: ledger.RequisitesDefault, Index: 1}},
		{"!ex реквизиты удалить 4", room, ledger.Command{Verb: ledger.VerbRequisites, Lang: ru, Rest: "удалить 4",
			Requisites: ledger.RequisitesRemove, Index: 4}},
		{"!ex реквизиты основные: Тинькофф 5536 0000", room, ledger.Command{Verb: ledger.VerbRequisites, Lang: ru,
			Rest: "основные: Тинькофф 5536 0000", Requisites: ledger.RequisitesAdd, Text: "основные: Тинькофф 5536 0000"}},
		{"!ex реквизиты основные реквизиты Сбер", room, ledger.Command{Verb: ledger.VerbRequisites, Lang: ru,
			Rest: "основные реквизиты Сбер", Requisites: ledger.RequisitesAdd, Text: "основные реквизиты Сбер"}},
		{"!ex реквизиты по телефону +7 900 000 00 00", room, ledger.Command{Verb: ledger.VerbRequisites, Lang: ru,
			Rest: "по телефону +7 900 000 00 00", Requisites: ledger.RequisitesAdd, Text: "по телефону +7 900 000 00 00"}},
		{"!ex requisites " + req300, room, ledger.Command{Verb: ledger.VerbRequisites, Lang: en, Rest: req300,
			Requisites: ledger.RequisitesAdd, Text: req300}},
		// leave
		{"!ex leave", room, ledger.Command{Verb: ledger.VerbLeave, Lang: en}},
		{"!ex leave confirm", room, ledger.Command{Verb: ledger.VerbLeave, Lang: en, Rest: "confirm", Confirm: true}},
		{"!ex leave YES!", room, ledger.Command{Verb: ledger.VerbLeave, Lang: en, Rest: "YES!", Confirm: true}},
		{"!ex leave maybe", room, ledger.Command{Verb: ledger.VerbLeave, Lang: en, Rest: "maybe"}},
		{"!ex выйти", room, ledger.Command{Verb: ledger.VerbLeave, Lang: ru}},
		{"!ex выйти подтверждаю", room, ledger.Command{Verb: ledger.VerbLeave, Lang: ru, Rest: "подтверждаю", Confirm: true}},
		{"!ex выйти Да", room, ledger.Command{Verb: ledger.VerbLeave, Lang: ru, Rest: "Да", Confirm: true}},
		{"!ex выйти нет", room, ledger.Command{Verb: ledger.VerbLeave, Lang: ru, Rest: "нет"}},
		// mute, unmute
		{"!ex mute", room, ledger.Command{Verb: ledger.VerbMute, Lang: en}},
		{"!ex mute reminder", room, ledger.Command{Verb: ledger.VerbMute, Lang: en, Rest: "reminder", Notice: ledger.NoticeReminder}},
		{"!ex mute Status please", room, ledger.Command{Verb: ledger.VerbMute, Lang: en, Rest: "Status please", Notice: ledger.NoticeStatus}},
		{"!ex заглушить напоминания", room, ledger.Command{Verb: ledger.VerbMute, Lang: ru, Rest: "напоминания", Notice: ledger.NoticeReminder}},
		{"!ex тихо статус", room, ledger.Command{Verb: ledger.VerbMute, Lang: ru, Rest: "статус", Notice: ledger.NoticeStatus}},
		{"!ex unmute closed", room, ledger.Command{Verb: ledger.VerbUnmute, Lang: en, Rest: "closed", Notice: ledger.NoticeClosed}},
		{"!ex включить", room, ledger.Command{Verb: ledger.VerbUnmute, Lang: ru}},
		{"!ex включить обязательства", room, ledger.Command{Verb: ledger.VerbUnmute, Lang: ru, Rest: "обязательства", Notice: ledger.NoticeCommitment}},
	}
	for _, c := range cases {
		cmd, addressed, err := grammar.Parse(c.body, c.opt)
		if err != nil || !addressed {
			t.Errorf("Parse(%.60q) = %v, %v", c.body, addressed, err)
			continue
		}
		if !reflect.DeepEqual(cmd, c.want) {
			t.Errorf("Parse(%.60q)\n got %+v\nwant %+v", c.body, cmd, c.want)
		}
	}
}

func TestParseAidErrors(t *testing.T) {
	alice := ledger.UserID("@alice:example.org")
	bob := ledger.UserID("@bob:example.org")
	en, ru := ledger.LangEN, ledger.LangRU
	cases := []struct {
		body string
		opt  grammar.Options
		verb ledger.Verb
		lang ledger.Lang
		key  string
		args []any
	}{
		// status
		{"!ex status", room, ledger.VerbStatus, en, "cmd.usage", []any{ledger.VerbStatus}},
		{"!ex статус", room, ledger.VerbStatus, ru, "cmd.usage", []any{ledger.VerbStatus}},
		{"!ex status blue", room, ledger.VerbStatus, en, "cmd.bad_status", []any{"blue"}},
		{"!ex статус синий", room, ledger.VerbStatus, ru, "cmd.bad_status", []any{"синий"}},
		{"!ex status 300", room, ledger.VerbStatus, en, "cmd.bad_status", []any{"300"}},
		{"!ex status orange", room, ledger.VerbStatus, en, "cmd.usage", []any{ledger.VerbStatus}},
		{"!ex статус оранжевый", room, ledger.VerbStatus, ru, "cmd.usage", []any{ledger.VerbStatus}},
		{"!ex status orange lots", room, ledger.VerbStatus, en, "amount.malformed", []any{"lots"}},
		{"!ex status orange -5", room, ledger.VerbStatus, en, "amount.negative", nil},
		{"!ex status orange 0", room, ledger.VerbStatus, en, "amount.zero", nil},
		{"!ex status orange 5 XYZ", room, ledger.VerbStatus, en, "amount.unknown_currency", []any{"XYZ"}},
		{"!ex status red", room, ledger.VerbStatus, en, "cmd.usage", []any{ledger.VerbStatus}},
		{"!ex status orange 1001 h", room, ledger.VerbStatus, en, "amount.too_large",
			[]any{ledger.Amount{Minor: 100_000, Currency: ledger.Hours}}},
		{"!ex статус красный 5000 ч 3 дня", room, ledger.VerbStatus, ru, "amount.too_large",
			[]any{ledger.Amount{Minor: 100_000, Currency: ledger.Hours}}},
		{`!ex status red "a lift" 40 days`, room, ledger.VerbStatus, en, "cmd.bad_days", []any{"40", ledger.MaxRedDays}},
		{`!ex status red "a lift"`, room, ledger.VerbStatus, en, "cmd.usage", []any{ledger.VerbStatus}},
		{`!ex status red "a lift" 2 days please`, room, ledger.VerbStatus, en, "cmd.usage", []any{ledger.VerbStatus}},
		{`!ex status orange "a lift" 2`, room, ledger.VerbStatus, en, "cmd.usage", []any{ledger.VerbStatus}},
		{`!ex status red "" 2`, room, ledger.VerbStatus, en, "cmd.bad_text", nil},
		{`!ex status red "` + strings.Repeat("x", ledger.MaxThingRunes+1) + `" 2`, room, ledger.VerbStatus, en,
			"cmd.text_too_long", []any{ledger.MaxThingRunes}},
		{"!ex status red 300", room, ledger.VerbStatus, en, "cmd.usage", []any{ledger.VerbStatus}},
		{"!ex status red 300 EUR", room, ledger.VerbStatus, en, "cmd.usage", []any{ledger.VerbStatus}},
		{"!ex статус красный €300", room, ledger.VerbStatus, ru, "cmd.usage", []any{ledger.VerbStatus}},
		{"!ex status red 7 days", room, ledger.VerbStatus, en, "cmd.usage", []any{ledger.VerbStatus}},
		{"!ex status red 300 0", room, ledger.VerbStatus, en, "cmd.bad_days", []any{"0", ledger.MaxRedDays}},
		{"!ex status red 300 32", room, ledger.VerbStatus, en, "cmd.bad_days", []any{"32", ledger.MaxRedDays}},
		{"!ex status red 300 32 days", room, ledger.VerbStatus, en, "cmd.bad_days", []any{"32", ledger.MaxRedDays}},
		{"!ex status red 300 -3", room, ledger.VerbStatus, en, "cmd.bad_days", []any{"-3", ledger.MaxRedDays}},
		{"!ex status red 300 1.5", room, ledger.VerbStatus, en, "cmd.bad_days", []any{"1.5", ledger.MaxRedDays}},
		{"!ex status red 300 99999999999999999999", room, ledger.VerbStatus, en, "cmd.bad_days",
			[]any{"99999999999999999999", ledger.MaxRedDays}},
		{"!ex status red 300 EUR week", room, ledger.VerbStatus, en, "cmd.bad_days", []any{"week", ledger.MaxRedDays}},
		{"!ex status red 300 7weeks", room, ledger.VerbStatus, en, "cmd.bad_days", []any{"7weeks", ledger.MaxRedDays}},
		{"!ex статус красный 300 руб неделя", room, ledger.VerbStatus, ru, "cmd.bad_days", []any{"неделя", ledger.MaxRedDays}},
		{"!ex статус красный 300 руб 40 дней", room, ledger.VerbStatus, ru, "cmd.bad_days", []any{"40", ledger.MaxRedDays}},
		{"!ex status red lots 7", room, ledger.VerbStatus, en, "amount.malformed", []any{"lots"}},
		{"!ex status red 1.555 7", room, ledger.VerbStatus, en, "amount.too_precise", []any{"EUR", 2}},
		{"!ex status red 300 XYZ 7", room, ledger.VerbStatus, en, "amount.unknown_currency", []any{"XYZ"}},
		// intend, commit
		{"!ex intend lots", room, ledger.VerbIntend, en, "amount.malformed", []any{"lots"}},
		{"!ex намерение -5", room, ledger.VerbIntend, ru, "amount.negative", nil},
		{"!ex commit 0", room, ledger.VerbCommit, en, "amount.zero", nil},
		{"!ex обязуюсь 20000000", room, ledger.VerbCommit, ru, "amount.too_large", []any{ledger.MaxMajorUnits}},
		// forgive, remind, got
		{"!ex forgive", room, ledger.VerbForgive, en, "cmd.usage", []any{ledger.VerbForgive}},
		{"!ex простить", mention(room, alice, bob), ledger.VerbForgive, ru, "cmd.usage", []any{ledger.VerbForgive}},
		{"!ex forgive Bob", room, ledger.VerbForgive, en, "cmd.bad_user", []any{"Bob", ledger.VerbForgive}},
		{"!ex remind", room, ledger.VerbRemind, en, "cmd.usage", []any{ledger.VerbRemind}},
		{"!ex напомнить Алисе", room, ledger.VerbRemind, ru, "cmd.bad_user", []any{"Алисе", ledger.VerbRemind}},
		{"!ex got Bob", room, ledger.VerbGot, en, "cmd.bad_user", []any{"Bob", ledger.VerbGot}},
		{"!ex получил Боб", mention(room, alice, bob), ledger.VerbGot, ru, "cmd.bad_user", []any{"Боб", ledger.VerbGot}},
		// about
		{"!ex about " + strings.Repeat("я", ledger.MaxAboutRunes+1), room, ledger.VerbAbout, en, "cmd.text_too_long",
			[]any{ledger.MaxAboutRunes}},
		{"!ex обомне " + strings.Repeat("я", ledger.MaxAboutRunes+1), room, ledger.VerbAbout, ru, "cmd.text_too_long",
			[]any{ledger.MaxAboutRunes}},
		{"!ex about bell\x07", room, ledger.VerbAbout, en, "cmd.bad_text", nil},
		{"!ex о-себе нуль\x00байт", room, ledger.VerbAbout, ru, "cmd.bad_text", nil},
		{"!ex about bad\xffutf8", room, ledger.VerbAbout, en, "cmd.bad_text", nil},
		{"!ex about c1\u0085control", room, ledger.VerbAbout, en, "cmd.bad_text", nil},
		// requisites
		{"!ex requisites default", room, ledger.VerbRequisites, en, "cmd.usage", []any{ledger.VerbRequisites}},
		{"!ex реквизиты удалить", room, ledger.VerbRequisites, ru, "cmd.usage", []any{ledger.VerbRequisites}},
		{"!ex requisites default 0", room, ledger.VerbRequisites, en, "cmd.bad_index", []any{"0", ledger.MaxRequisites}},
		{"!ex requisites remove 6", room, ledger.VerbRequisites, en, "cmd.bad_index", []any{"6", ledger.MaxRequisites}},
		{"!ex requisites remove two", room, ledger.VerbRequisites, en, "cmd.bad_index", []any{"two", ledger.MaxRequisites}},
		{"!ex реквизиты основные 6", room, ledger.VerbRequisites, ru, "cmd.bad_index", []any{"6", ledger.MaxRequisites}},
		{"!ex реквизиты по-умолчанию 0", room, ledger.VerbRequisites, ru, "cmd.bad_index", []any{"0", ledger.MaxRequisites}},
		{"!ex реквизиты удалить первый", room, ledger.VerbRequisites, ru, "cmd.bad_index", []any{"первый", ledger.MaxRequisites}},
		{"!ex requisites remove 99999999999999999999 now", room, ledger.VerbRequisites, en, "cmd.bad_index",
			[]any{"99999999999999999999", ledger.MaxRequisites}},
		{"!ex requisites " + strings.Repeat("z", ledger.MaxRequisiteRunes+1), room, ledger.VerbRequisites, en,
			"cmd.text_too_long", []any{ledger.MaxRequisiteRunes}},
		{"!ex реквизиты " + strings.Repeat("ж", ledger.MaxRequisiteRunes+1), room, ledger.VerbRequisites, ru,
			"cmd.text_too_long", []any{ledger.MaxRequisiteRunes}},
		{"!ex requisites card\x1b[31m", room, ledger.VerbRequisites, en, "cmd.bad_text", nil},
		// mute, unmute
		{"!ex mute all", room, ledger.VerbMute, en, "cmd.bad_notice", []any{"all"}},
		{"!ex заглушить все", room, ledger.VerbMute, ru, "cmd.bad_notice", []any{"все"}},
		{"!ex unmute spam", room, ledger.VerbUnmute, en, "cmd.bad_notice", []any{"spam"}},
		{"!ex включить всё", room, ledger.VerbUnmute, ru, "cmd.bad_notice", []any{"всё"}},
	}
	for _, c := range cases {
		cmd, addressed, err := grammar.Parse(c.body, c.opt)
		e := ledger.AsError(err)
		if !addressed || e == nil {
			t.Errorf("Parse(%.60q) = %+v, %v, %v; want error %s", c.body, cmd, addressed, err, c.key)
			continue
		}
		if e.Code != ledger.EInvalid || e.Key != c.key || fmt.Sprint(e.Args) != fmt.Sprint(c.args) {
			t.Errorf("Parse(%.60q) error = %s %s %v; want %s %v", c.body, e.Code, e.Key, e.Args, c.key, c.args)
		}
		want := ledger.Command{Verb: c.verb, Lang: c.lang, Rest: cmd.Rest}
		if !reflect.DeepEqual(cmd, want) {
			t.Errorf("Parse(%.60q) failed with %+v; want only verb %q, lang %q and rest", c.body, cmd, c.verb, c.lang)
		}
	}
}

func TestParseAidWords(t *testing.T) {
	// Every new word is unique to its verb (TestParseVerbs checks
	// each resolves to its own verb); here, the variants the spec names.
	words := map[string]ledger.Verb{
		"ЗЕЛЁНЫЙ": "", "намерен": ledger.VerbIntend, "обязуюсь": ledger.VerbCommit,
		"отправила": ledger.VerbSent, "ОТПРАВЛЕНО": ledger.VerbSent, "получила": ledger.VerbGot,
		"получено": ledger.VerbGot, "to-me": ledger.VerbToMe, "О-СЕБЕ": ledger.VerbAbout,
		"тихо": ledger.VerbMute, "включить": ledger.VerbUnmute, "статус": ledger.VerbStatus,
	}
	for w, want := range words {
		v, _, ok := grammar.LookupVerb(w)
		if v != want || ok != (want != "") {
			t.Errorf("LookupVerb(%q) = %q, %v; want %q", w, v, ok, want)
		}
	}
	for _, v := range grammar.AllVerbs() {
		for _, l := range ledger.Langs {
			for _, w := range grammar.VerbWords(v, l) {
				if w != strings.ToLower(w) || strings.Contains(w, "ё") || strings.IndexFunc(w, func(r rune) bool { return r == ' ' }) >= 0 {
					t.Errorf("verb word %q is not normalised", w)
				}
			}
		}
	}
}

func FuzzParseAid(f *testing.F) {
	for _, s := range []string{
		"!ex status red 300 EUR 7 days", "статус красный ₽500 3д", "50", "€12,50", "intend 30",
		"!ex commit", "got it, thanks", "спасибо всем", "!ex requisites default 2",
		"реквизиты по умолчанию 1", "обомне привет\r\n", "!ex mute reminder", "!ex leave yes",
		"!ex status orange", "!ex status red 1 1 1 1", "?",
		`!ex initiative "Roof" €12,50 by 1.5.2027`, `инициатива «Сад» 500 руб до 01.05`, "done report",
	} {
		f.Add(s, false, true)
	}
	f.Add("50", true, true)
	for _, s := range hostileTexts(f) {
		f.Add("!ex requisites "+s, false, false)
		f.Add(s, true, true)
	}
	f.Fuzz(func(t *testing.T, body string, direct, reply bool) {
		opt := grammar.Options{Prefix: "!ex", Direct: direct, ReplyToBot: reply, DefaultCurrency: "EUR"}
		cmd, addressed, err := grammar.Parse(body, opt)
		if !addressed {
			if err != nil || cmd != (ledger.Command{}) {
				t.Fatalf("%q: not addressed but %+v, %v", body, cmd, err)
			}
			return
		}
		if err != nil {
			checkError(t, body, err)
			return
		}
		checkCommand(t, body, cmd)
		checkAidCommand(t, body, cmd)
	})
}

// checkAidCommand checks the invariants of a mutual-aid command.
func checkAidCommand(t *testing.T, body string, cmd ledger.Command) {
	t.Helper()
	switch cmd.Verb {
	case ledger.VerbStatus:
		switch cmd.Status {
		case ledger.StatusGreen:
			if !cmd.Amount.IsZero() || cmd.Days != 0 {
				t.Fatalf("%q: green with %+v", body, cmd)
			}
		case ledger.StatusOrange:
			if cmd.Amount.Minor <= 0 || cmd.Days != 0 {
				t.Fatalf("%q: orange with %+v", body, cmd)
			}
		case ledger.StatusRed:
			if cmd.Amount.Minor <= 0 || cmd.Days < 1 || cmd.Days > ledger.MaxRedDays {
				t.Fatalf("%q: red with %+v", body, cmd)
			}
		default:
			t.Fatalf("%q: status %q", body, cmd.Status)
		}
	case ledger.VerbIntend, ledger.VerbCommit:
		if !cmd.Amount.IsZero() && cmd.Amount.Minor <= 0 {
			t.Fatalf("%q: amount %+v", body, cmd.Amount)
		}
	case ledger.VerbAbout:
		if utf8.RuneCountInString(cmd.Text) > ledger.MaxAboutRunes || !utf8.ValidString(cmd.Text) {
			t.Fatalf("%q: about %q", body, cmd.Text)
		}
	case ledger.VerbRequisites:
		switch cmd.Requisites {
		case ledger.RequisitesList:
		case ledger.RequisitesAdd:
			if cmd.Text == "" || utf8.RuneCountInString(cmd.Text) > ledger.MaxRequisiteRunes || !utf8.ValidString(cmd.Text) {
				t.Fatalf("%q: requisite %q", body, cmd.Text)
			}
		case ledger.RequisitesDefault, ledger.RequisitesRemove:
			if cmd.Index < 1 || cmd.Index > ledger.MaxRequisites {
				t.Fatalf("%q: index %d", body, cmd.Index)
			}
		default:
			t.Fatalf("%q: requisites %q", body, cmd.Requisites)
		}
	case ledger.VerbInitiative:
		if cmd.Text == "" || utf8.RuneCountInString(cmd.Text) > ledger.MaxInitiativeTitleRunes || !utf8.ValidString(cmd.Text) ||
			cmd.Text != strings.TrimSpace(cmd.Text) || cmd.Amount.Minor <= 0 || cmd.ByDate.IsZero() ||
			cmd.ByDate.Location() != time.UTC || cmd.ByDate.Hour() != 0 || cmd.ByDate.Minute() != 0 {
			t.Fatalf("%q: initiative %+v", body, cmd)
		}
	case ledger.VerbDone:
		if utf8.RuneCountInString(cmd.Text) > ledger.MaxInitiativeReportRunes || !utf8.ValidString(cmd.Text) {
			t.Fatalf("%q: done %q", body, cmd.Text)
		}
	case ledger.VerbMute, ledger.VerbUnmute:
		if _, ok := ledger.ParseNoticeKind(string(cmd.Notice)); cmd.Notice != "" && !ok {
			t.Fatalf("%q: notice %q", body, cmd.Notice)
		}
	}
	if cmd.Verb != ledger.VerbInitiative && !cmd.ByDate.IsZero() {
		t.Fatalf("%q: %s with a date", body, cmd.Verb)
	}
	if cmd.Verb != ledger.VerbStatus && (cmd.Status != "" || cmd.Days != 0) {
		t.Fatalf("%q: %s with a status", body, cmd.Verb)
	}
}
