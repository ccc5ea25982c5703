package web

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/exodus-matrix/exodus/ledger"
)

// statusOf is the HTTP status of an error: what its ledger code means.
func statusOf(err error) int {
	switch ledger.ErrorCode(err) {
	case ledger.EInvalid:
		return http.StatusBadRequest
	case ledger.EUnauthorized:
		return http.StatusUnauthorized
	case ledger.EForbidden:
		return http.StatusForbidden
	case ledger.ENotFound:
		return http.StatusNotFound
	case ledger.EConflict:
		return http.StatusConflict
	case ledger.ERateLimited:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

// apiError is the JSON body of every error the API answers.
type apiError struct {
	Error apiErrorBody `json:"error"`
}

type apiErrorBody struct {
	// Code is the ledger's error code ("invalid", "forbidden", ...).
	Code string `json:"code"`
	// Key names the message ("need.closed"): stable, for programs.
	Key string `json:"key"`
	// Message explains it in the member's language.
	Message string `json:"message"`
}

// writeJSON answers with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// writeError answers an API request with an error; the explanation is msg
// if given (the bot's, in the member's language), else the web's own. An
// internal error is logged here, once, and not explained.
func (ex *explainer) writeError(w http.ResponseWriter, r *http.Request, err error, msg string) {
	status := statusOf(err)
	lang := browserLang(r) // no member yet: the browser's language
	if c := callerOf(r.Context()); c != nil && c.Lang != "" {
		lang = c.Lang
	}
	body := apiErrorBody{Code: string(ledger.ErrorCode(err)), Key: "error.internal"}
	if e := ledger.AsError(err); e != nil && e.Code != ledger.EInternal {
		body.Key = e.Key
	}
	if status == http.StatusInternalServerError {
		logOf(r).Error().Err(err).Str("path", r.URL.Path).Msg("Failed to answer a request")
		msg = ""
	} else {
		logOf(r).Debug().Err(err).Str("path", r.URL.Path).Msg("Refused a request")
	}
	if msg == "" {
		msg = ex.errorMessage(lang, err)
	}
	body.Message = msg
	writeJSON(w, status, apiError{Error: body})
}

// errBadJSON is the error of a request body that is not the JSON asked for.
func errBadJSON(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &typ):
		return ledger.Errorf(ledger.EInvalid, "api.bad_field", typ.Field)
	case errors.As(err, &syn):
		return ledger.Errorf(ledger.EInvalid, "api.bad_json")
	}
	return ledger.Errorf(ledger.EInvalid, "api.bad_json")
}

// errorMessage explains an error in a language: from the web's catalogue
// if it has the key (the web's own errors), else as the chat would (the
// ledger's refusals, from the bot's catalogue).
func (ex *explainer) errorMessage(l ledger.Lang, err error) string {
	e := ledger.AsError(err)
	if e == nil || e.Code == ledger.EInternal {
		return tr(l, "error.internal")
	}
	if _, ok := lookup(l, e.Key); ok {
		return trf(l, e.Key, e.Args...)
	}
	if ex.actor != nil {
		return ex.actor.Explain(l, err)
	}
	return tr(l, "error."+string(e.Code))
}
