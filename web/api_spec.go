package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3gen"
)

// The OpenAPI 3.1 document of the API, generated at start-up from the route
// table (apiRouteTable) and the Go types of the bodies, so it cannot drift
// from what is served. kin-openapi builds the document and the schemas
// (openapi3gen); the test validates what /api/v1/openapi.json serves.

var (
	specOnce sync.Once
	specJSON []byte
	specErr  error
)

func (s *Server) apiSpec(w http.ResponseWriter, r *http.Request, _ *apiCall) {
	specOnce.Do(func() { specJSON, specErr = buildSpec(s.api) })
	if specErr != nil {
		s.apiProblem(w, r, specErr)
		return
	}
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("Content-Type", "application/json")
	w.Write(specJSON)
}

// buildSpec generates the document of routes.
func buildSpec(routes []APIRoute) ([]byte, error) {
	doc := &openapi3.T{
		OpenAPI: "3.1.0",
		Info: &openapi3.Info{Title: "Casus API", Version: "1",
			Description: "The JSON API of Casus. Every call but this document needs an API token " +
				"(Authorization: Bearer …) issued by the beheerder; it acts with the sight of one account, narrowed " +
				"to its scopes, and every call is in the access log under the token's name. Errors are RFC 9457 problem details."},
		Paths: openapi3.NewPaths(),
		Components: &openapi3.Components{
			Schemas: openapi3.Schemas{},
			SecuritySchemes: openapi3.SecuritySchemes{"token": &openapi3.SecuritySchemeRef{Value: &openapi3.SecurityScheme{
				Type: "http", Scheme: "bearer", Description: "An API token; its scopes are listed per operation."}}},
			Responses: openapi3.ResponseBodies{},
		},
	}
	problem, err := openapi3gen.NewSchemaRefForValue(&Problem{}, nil)
	if err != nil {
		return nil, err
	}
	doc.Components.Schemas["Problem"] = problem
	problemRef := &openapi3.SchemaRef{Ref: "#/components/schemas/Problem"}
	for _, rt := range routes {
		method, path, _ := strings.Cut(rt.Pattern, " ")
		op, err := specOperation(rt, path, problemRef)
		if err != nil {
			return nil, err
		}
		item := doc.Paths.Value(path)
		if item == nil {
			item = &openapi3.PathItem{}
			doc.Paths.Set(path, item)
		}
		item.SetOperation(method, op)
	}
	return json.MarshalIndent(doc, "", " ")
}

// specOperation is the operation of one route.
func specOperation(rt APIRoute, path string, problemRef *openapi3.SchemaRef) (*openapi3.Operation, error) {
	op := openapi3.NewOperation()
	op.Summary = rt.Summary
	op.OperationID = operationID(rt.Pattern)
	op.Responses = openapi3.NewResponses()
	out, err := openapi3gen.NewSchemaRefForValue(rt.Out, nil)
	if err != nil {
		return nil, err
	}
	ok := openapi3.NewResponse().WithDescription("OK").WithJSONSchemaRef(out)
	problem := func(desc string) *openapi3.ResponseRef {
		return &openapi3.ResponseRef{Value: openapi3.NewResponse().WithDescription(desc).
			WithContent(openapi3.Content{"application/problem+json": openapi3.NewMediaType().WithSchemaRef(problemRef)})}
	}
	if rt.Scope == "" {
		op.Security = &openapi3.SecurityRequirements{}
		op.Responses.Set("200", &openapi3.ResponseRef{Value: ok})
		return op, nil
	}
	op.Security = &openapi3.SecurityRequirements{{"token": {string(rt.Scope)}}}
	op.Extensions = map[string]any{"x-casus-scope": string(rt.Scope)}
	etag := &openapi3.HeaderRef{Value: &openapi3.Header{Parameter: openapi3.Parameter{
		Description: "The version of what was read: for If-None-Match, and on an action for If-Match",
		Schema:      openapi3.NewStringSchema().NewRef()}}}
	ok.Headers = openapi3.Headers{"ETag": etag}
	op.Responses.Set("200", &openapi3.ResponseRef{Value: ok})
	op.Responses.Set("304", &openapi3.ResponseRef{Value: openapi3.NewResponse().WithDescription("Not modified (If-None-Match)")})
	op.Responses.Set("400", problem("Invalid input"))
	op.Responses.Set("401", problem("No token, or one unknown, revoked or expired"))
	op.Responses.Set("403", problem("The token lacks the scope"))
	op.Responses.Set("404", problem("Not found, or not for this token's account to know"))
	op.Responses.Set("429", problem("Rate limit of the token reached; see Retry-After"))
	specParameters(op, rt, path)
	if rt.In != nil {
		in, err := openapi3gen.NewSchemaRefForValue(rt.In, nil)
		if err != nil {
			return nil, err
		}
		op.RequestBody = &openapi3.RequestBodyRef{Value: openapi3.NewRequestBody().WithRequired(true).WithJSONSchemaRef(in)}
		op.AddParameter(openapi3.NewHeaderParameter("If-Match").WithRequired(true).
			WithDescription("The ETag of the version read").WithSchema(openapi3.NewStringSchema()))
		op.Responses.Set("412", problem("Changed since it was read: read it again"))
		op.Responses.Set("428", problem("If-Match is required"))
	}
	return op, nil
}

// specParameters adds the path's and the route's query parameters to op.
func specParameters(op *openapi3.Operation, rt APIRoute, path string) {
	for _, seg := range strings.Split(path, "/") {
		if strings.HasPrefix(seg, "{") {
			p := openapi3.NewPathParameter(strings.Trim(seg, "{}")).WithSchema(openapi3.NewUUIDSchema())
			op.AddParameter(p)
		}
	}
	for _, q := range rt.Query {
		sch := openapi3.NewStringSchema()
		switch q.Type {
		case "integer":
			sch = openapi3.NewIntegerSchema()
		case "boolean":
			sch = openapi3.NewBoolSchema()
		}
		for _, e := range q.Enum {
			sch.Enum = append(sch.Enum, e)
		}
		op.AddParameter(openapi3.NewQueryParameter(q.Name).WithDescription(q.Description).WithSchema(sch))
	}
}

// operationID names an operation after its pattern: "GET /api/v1/students/{id}" → "getStudentsId".
func operationID(pattern string) string {
	method, path, _ := strings.Cut(pattern, " ")
	id := strings.ToLower(method)
	for _, seg := range strings.Split(strings.TrimPrefix(path, APIPrefix), "/") {
		seg = strings.Trim(seg, "{}")
		seg = strings.ReplaceAll(seg, ".", "_")
		if seg != "" {
			id += strings.ToUpper(seg[:1]) + seg[1:]
		}
	}
	return id
}
