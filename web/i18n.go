package web

import (
	"fmt"

	"github.com/exodus-matrix/exodus/ledger"
)

// catalogues hold the words of the pages and of the web's own errors.
var catalogues = map[ledger.Lang]map[string]string{ledger.LangEN: wordsEN, ledger.LangRU: wordsRU}

// lookup returns the message of key in a language, if it has one.
func lookup(l ledger.Lang, key string) (string, bool) {
	m, ok := catalogues[l][key]
	return m, ok
}

// tr returns the message of key in a language, else in English, else key.
func tr(l ledger.Lang, key string) string {
	if m, ok := lookup(l, key); ok {
		return m
	}
	if m, ok := lookup(ledger.LangEN, key); ok {
		return m
	}
	return key
}

// trf is tr with the placeholders filled.
func trf(l ledger.Lang, key string, args ...any) string {
	if len(args) == 0 {
		return tr(l, key)
	}
	return fmt.Sprintf(tr(l, key), args...)
}

var wordsEN = map[string]string{
	"error.internal":     "Something went wrong on our side; it is logged. Try again later.",
	"error.invalid":      "That input is not valid.",
	"error.unauthorized": "Log in first.",
	"error.forbidden":    "You may not do that.",
	"error.not_found":    "There is no such thing.",
	"error.conflict":     "That cannot be done now.",
	"error.rate_limited": "Too many requests; wait a minute.",
	"error.title":        "Not done",

	"auth.no_token":     "Send your personal API token as `Authorization: Bearer <token>`; make one with `token new <name>` in the direct chat with the bot.",
	"auth.bad_token":    "This API token is unknown or revoked; make a new one with `token new <name>` in the direct chat with the bot.",
	"auth.bad_link":     "This login link is not valid. Ask the bot for a new one: type `web` in your direct chat with it.",
	"auth.used_link":    "This login link was used already: each works once. Ask the bot for a new one: type `web` in your direct chat with it.",
	"auth.expired_link": "This login link has expired (links last 10 minutes). Ask the bot for a new one: type `web` in your direct chat with it.",
	"auth.no_session":   "You are not logged in. Ask the bot for a login link: type `web` in your direct chat with it.",
	"auth.cross_site":   "This form was not sent from the Exodus page itself, so it was refused. Open the page and try again.",
	"api.read_only":     "This token is read-only; make one with `token new <name> write` to act.",
	"api.rate_limited":  "Too many requests: at most %[1]v a minute. Wait a minute.",
	"api.no_route":      "There is no such API route; see /api/v1/openapi.json.",
	"api.bad_json":      "The request body is not valid JSON of the expected shape.",
	"api.bad_field":     "The field %[1]q has the wrong type.",
	"api.empty_body":    "The request needs a JSON body.",
	"api.too_large":     "The request body is too large (at most %[1]v bytes).",
	"api.bad_form":      "The form could not be read.",

	"welcome.title":   "Exodus",
	"dashboard.title": "Dashboard",
	"login.title":     "Log in",
}

var wordsRU = map[string]string{
	"error.internal":     "Что-то сломалось на нашей стороне; это записано. Попробуйте позже.",
	"error.invalid":      "Эти данные не подходят.",
	"error.unauthorized": "Сначала войдите.",
	"error.forbidden":    "Вам нельзя это сделать.",
	"error.not_found":    "Такого нет.",
	"error.conflict":     "Сейчас это сделать нельзя.",
	"error.rate_limited": "Слишком много запросов; подождите минуту.",
	"error.title":        "Не сделано",

	"auth.no_token":     "Передайте личный API-токен как `Authorization: Bearer <токен>`; создайте его командой `токен новый <имя>` в личном чате с ботом.",
	"auth.bad_token":    "Этот API-токен неизвестен или отозван; создайте новый командой `токен новый <имя>` в личном чате с ботом.",
	"auth.bad_link":     "Эта ссылка для входа недействительна. Попросите у бота новую: напишите `веб` в личном чате с ним.",
	"auth.used_link":    "Эта ссылка для входа уже использована: каждая работает один раз. Попросите у бота новую: напишите `веб` в личном чате с ним.",
	"auth.expired_link": "Срок этой ссылки истёк (ссылка действует 10 минут). Попросите у бота новую: напишите `веб` в личном чате с ним.",
	"auth.no_session":   "Вы не вошли. Попросите у бота ссылку для входа: напишите `веб` в личном чате с ним.",
	"auth.cross_site":   "Эта форма отправлена не со страницы Exodus, поэтому отклонена. Откройте страницу и попробуйте снова.",
	"api.read_only":     "Этот токен только для чтения; чтобы действовать, создайте токен `токен новый <имя> запись`.",
	"api.rate_limited":  "Слишком много запросов: не больше %[1]v в минуту. Подождите минуту.",
	"api.no_route":      "Такого пути в API нет; см. /api/v1/openapi.json.",
	"api.bad_json":      "Тело запроса — не JSON нужного вида.",
	"api.bad_field":     "У поля %[1]q неверный тип.",
	"api.empty_body":    "Запросу нужно тело в JSON.",
	"api.too_large":     "Тело запроса слишком большое (не больше %[1]v байт).",
	"api.bad_form":      "Не удалось прочитать форму.",

	"welcome.title":   "Exodus",
	"dashboard.title": "Главная",
	"login.title":     "Вход",
}
