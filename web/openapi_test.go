package web_test

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/web"
)

// openAPI is the part of an OpenAPI 3 document the tests read.
type openAPI struct {
	OpenAPI    string                          `json:"openapi"`
	Paths      map[string]map[string]operation `json:"paths"`
	Components struct {
		SecuritySchemes map[string]map[string]any `json:"securitySchemes"`
		Responses       map[string]response3      `json:"responses"`
		Schemas         map[string]map[string]any `json:"schemas"`
	} `json:"components"`
}

type operation struct {
	OperationID string `json:"operationId"`
	Parameters  []struct {
		Name     string `json:"name"`
		In       string `json:"in"`
		Required bool   `json:"required"`
	} `json:"parameters"`
	RequestBody *struct {
		Content map[string]struct {
			Schema map[string]any `json:"schema"`
		} `json:"content"`
	} `json:"requestBody"`
	Responses map[string]response3   `json:"responses"`
	Security  *[]map[string][]string `json:"security"`
}

type response3 struct {
	Ref     string `json:"$ref"`
	Content map[string]struct {
		Schema map[string]any `json:"schema"`
	} `json:"content"`
}

// loadOpenAPI fetches the document the server serves, without a token.
func loadOpenAPI(t *testing.T, h *harness) (*openAPI, []byte) {
	t.Helper()
	r := h.expect("GET", "/api/v1/openapi.json", "", "", 200)
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("content type %q", r.Header.Get("Content-Type"))
	}
	if !json.Valid([]byte(r.Body)) {
		t.Fatal("the document is not valid JSON")
	}
	var doc openAPI
	if err := json.Unmarshal([]byte(r.Body), &doc); err != nil {
		t.Fatal(err)
	}
	return &doc, []byte(r.Body)
}

// operationOf finds a route's operation in the document.
func (d *openAPI) operationOf(rt web.Route) (operation, bool) {
	op, ok := d.Paths[rt.Path][strings.ToLower(rt.Method)]
	return op, ok
}

// response resolves an operation's response of a status.
func (d *openAPI) response(op operation, status int) (response3, bool) {
	r, ok := op.Responses[strconv.Itoa(status)]
	if ok && r.Ref != "" {
		r, ok = d.Components.Responses[strings.TrimPrefix(r.Ref, "#/components/responses/")]
	}
	return r, ok
}

var templateParam = regexp.MustCompile(`\{([^}]+)\}`)

func TestOpenAPIDescribesExactlyTheRoutes(t *testing.T) {
	h := newHarness(t)
	doc, raw := loadOpenAPI(t, h)
	if doc.OpenAPI != "3.0.3" {
		t.Fatalf("openapi %q", doc.OpenAPI)
	}
	if s := doc.Components.SecuritySchemes["bearerAuth"]; s["type"] != "http" || s["scheme"] != "bearer" {
		t.Fatalf("bearerAuth: %v", s)
	}
	routes := map[string]web.Route{}
	for _, rt := range h.routes() {
		key := rt.Method + " " + rt.Path
		if _, dup := routes[key]; dup {
			t.Errorf("route %s twice", key)
		}
		routes[key] = rt
		if _, ok := doc.operationOf(rt); !ok {
			t.Errorf("route %s is not in the document", key)
		}
	}
	ids := map[string]bool{}
	for path, ops := range doc.Paths {
		for method, op := range ops {
			key := strings.ToUpper(method) + " " + path
			rt, ok := routes[key]
			if !ok {
				t.Errorf("operation %s is no route", key)
				continue
			}
			if op.OperationID == "" || ids[op.OperationID] {
				t.Errorf("%s: operationId %q missing or repeated", key, op.OperationID)
			}
			ids[op.OperationID] = true
			checkParams(t, key, path, op)
			checkSecurity(t, key, rt, op)
			checkResponses(t, key, rt, op)
		}
	}
	checkRefs(t, doc, raw)
}

// checkParams: every parameter of the path template is declared, in the
// path and required, and every path parameter declared is in the template.
func checkParams(t *testing.T, key, path string, op operation) {
	t.Helper()
	var inTemplate []string
	for _, m := range templateParam.FindAllStringSubmatch(path, -1) {
		inTemplate = append(inTemplate, m[1])
	}
	var declared []string
	for _, p := range op.Parameters {
		if p.In == "path" {
			if !p.Required {
				t.Errorf("%s: path parameter %s not required", key, p.Name)
			}
			declared = append(declared, p.Name)
		}
	}
	sort.Strings(inTemplate)
	sort.Strings(declared)
	if !slices.Equal(inTemplate, declared) {
		t.Errorf("%s: template parameters %v, declared %v", key, inTemplate, declared)
	}
}

// checkSecurity: every route but the public one needs the bearer token.
func checkSecurity(t *testing.T, key string, rt web.Route, op operation) {
	t.Helper()
	if op.Security == nil {
		t.Errorf("%s: no security", key)
		return
	}
	bearer := false
	for _, req := range *op.Security {
		if _, ok := req["bearerAuth"]; ok {
			bearer = true
		}
	}
	if bearer == rt.Public {
		t.Errorf("%s: public %v, bearer security %v", key, rt.Public, bearer)
	}
}

// checkResponses: a success, and the errors every protected route can
// give; a write can also be refused (403) and take a JSON body.
func checkResponses(t *testing.T, key string, rt web.Route, op operation) {
	t.Helper()
	if op.Responses["200"].Content == nil && op.Responses["201"].Content == nil {
		t.Errorf("%s: no success response with content", key)
	}
	var must []string
	if !rt.Public {
		must = append(must, "401", "429")
	}
	if rt.Write {
		must = append(must, "400", "403", "404", "409")
	}
	for _, code := range must {
		if _, ok := op.Responses[code]; !ok {
			t.Errorf("%s: no %s response", key, code)
		}
	}
	if rt.Method == "GET" && op.RequestBody != nil {
		t.Errorf("%s: a GET with a body", key)
	}
}

var refPattern = regexp.MustCompile(`"\$ref":\s*"#/components/(schemas|responses)/([^"]+)"`)

// checkRefs: every reference names a schema or a response of the document.
func checkRefs(t *testing.T, doc *openAPI, raw []byte) {
	t.Helper()
	for _, m := range refPattern.FindAllStringSubmatch(string(raw), -1) {
		_, schema := doc.Components.Schemas[m[2]]
		_, resp := doc.Components.Responses[m[2]]
		if (m[1] == "schemas" && !schema) || (m[1] == "responses" && !resp) {
			t.Errorf("dangling reference %s/%s", m[1], m[2])
		}
	}
	for _, name := range []string{"Amount", "Need", "Promise", "Error", "Status", "Action"} {
		if _, ok := doc.Components.Schemas[name]; !ok {
			t.Errorf("no schema %s", name)
		}
	}
}

// TestOpenAPIAnswersAreDocumented calls every route, as a member, as an
// outsider, with bad bodies and without a token, and checks that each
// answer's status is one the document lists for the route and that its
// JSON has the documented shape.
func TestOpenAPIAnswersAreDocumented(t *testing.T) {
	h := newHarness(t)
	doc, _ := loadOpenAPI(t, h)
	at := h.token(alice, ledger.ScopeWrite)
	// Alice twice: the second time some actions conflict with the first.
	tokens := []string{at, at, h.token(dave, ledger.ScopeWrite), h.token(bob, ledger.ScopeRead), ""}
	seen := map[int]bool{}
	for _, rt := range h.routes() {
		op, ok := doc.operationOf(rt)
		if !ok {
			t.Fatalf("%s %s is not in the document", rt.Method, rt.Path)
		}
		sm := h.sampleOf(rt)
		calls := []sample{sm}
		if op.RequestBody != nil {
			calls = append(calls, sample{sm.path, `{`}, sample{sm.path, `{"unknown":1}`})
		}
		for _, tok := range tokens {
			for _, c := range calls {
				r := h.api(rt.Method, c.path, tok, c.body)
				seen[r.StatusCode] = true
				checkAnswer(t, doc, rt, op, c, r)
			}
		}
	}
	for _, code := range []int{200, 201, 400, 401, 403, 404, 409} {
		if !seen[code] {
			t.Errorf("no call was answered %d", code)
		}
	}
}

// checkAnswer checks one answer against the route's operation.
func checkAnswer(t *testing.T, doc *openAPI, rt web.Route, op operation, c sample, r *response) {
	t.Helper()
	where := fmt.Sprintf("%s %s %s → %d", rt.Method, c.path, c.body, r.StatusCode)
	resp, ok := doc.response(op, r.StatusCode)
	if !ok {
		t.Errorf("%s: status not in the document\n%s", where, r.Body)
		return
	}
	ct := r.Header.Get("Content-Type")
	mt := strings.TrimSpace(strings.Split(ct, ";")[0])
	media, ok := resp.Content[mt]
	if !ok {
		t.Errorf("%s: content type %q not documented", where, ct)
		return
	}
	if mt != "application/json" {
		return
	}
	var v any
	if err := json.Unmarshal([]byte(r.Body), &v); err != nil {
		t.Errorf("%s: %v", where, err)
		return
	}
	for _, p := range conform(doc, media.Schema, v, "$") {
		t.Errorf("%s: %s\n%s", where, p, r.Body)
	}
}

// conform checks a JSON value against a schema of the document: types,
// required and documented properties, enums, items and date-times. It
// returns what does not conform.
func conform(doc *openAPI, schema map[string]any, v any, at string) []string {
	if ref, ok := schema["$ref"].(string); ok {
		return conform(doc, doc.Components.Schemas[strings.TrimPrefix(ref, "#/components/schemas/")], v, at)
	}
	if enum, ok := schema["enum"].([]any); ok && !slices.Contains(enum, v) {
		return []string{fmt.Sprintf("%s: %v not in %v", at, v, enum)}
	}
	switch schema["type"] {
	case "object":
		return conformObject(doc, schema, v, at)
	case "array":
		items, ok := v.([]any)
		if !ok {
			return []string{at + ": not an array"}
		}
		var out []string
		for i, it := range items {
			out = append(out, conform(doc, schema["items"].(map[string]any), it, fmt.Sprintf("%s[%d]", at, i))...)
		}
		return out
	case "string":
		s, ok := v.(string)
		if !ok {
			return []string{at + ": not a string"}
		}
		if schema["format"] == "date-time" {
			if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
				return []string{at + ": not an RFC 3339 time"}
			}
		}
	case "integer":
		if f, ok := v.(float64); !ok || f != math.Trunc(f) {
			return []string{at + ": not an integer"}
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			return []string{at + ": not a boolean"}
		}
	}
	return nil
}

// conformObject checks an object: its required properties are there, and
// every property it has is documented.
func conformObject(doc *openAPI, schema map[string]any, v any, at string) []string {
	obj, ok := v.(map[string]any)
	if !ok {
		return []string{at + ": not an object"}
	}
	var out []string
	for _, req := range asStrings(schema["required"]) {
		if _, ok := obj[req]; !ok {
			out = append(out, at+": no "+req)
		}
	}
	props, ok := schema["properties"].(map[string]any)
	if !ok {
		return out
	}
	for k, pv := range obj {
		ps, ok := props[k].(map[string]any)
		if !ok {
			out = append(out, at+": undocumented property "+k)
			continue
		}
		out = append(out, conform(doc, ps, pv, at+"."+k)...)
	}
	return out
}

func asStrings(v any) []string {
	var out []string
	for _, x := range asSlice(v) {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func asSlice(v any) []any {
	s, _ := v.([]any)
	return s
}

// TestOpenAPIDocumentsWriteBodies checks that every field a write route's
// sample sends is a documented property of its request body, and that the
// body schemas refuse unknown fields, as the server does.
func TestOpenAPIDocumentsWriteBodies(t *testing.T) {
	h := newHarness(t)
	doc, _ := loadOpenAPI(t, h)
	for _, rt := range h.routes() {
		op, _ := doc.operationOf(rt)
		sm := h.sampleOf(rt)
		if op.RequestBody == nil {
			if sm.body != "" {
				t.Errorf("%s %s: a sample body but no documented body", rt.Method, rt.Path)
			}
			continue
		}
		schema := op.RequestBody.Content["application/json"].Schema
		if ref, ok := schema["$ref"].(string); ok {
			schema = doc.Components.Schemas[strings.TrimPrefix(ref, "#/components/schemas/")]
		}
		if schema["additionalProperties"] != false {
			t.Errorf("%s %s: the body schema allows unknown fields", rt.Method, rt.Path)
		}
		if sm.body == "" {
			continue
		}
		var v any
		if err := json.Unmarshal([]byte(sm.body), &v); err != nil {
			t.Fatal(err)
		}
		for _, p := range conform(doc, schema, v, "body") {
			t.Errorf("%s %s: %s", rt.Method, rt.Path, p)
		}
	}
}
