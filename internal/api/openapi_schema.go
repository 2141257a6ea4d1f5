package api

import (
	"encoding/json"
	"reflect"
	"strings"
	"time"
)

// schemas turns Go types into JSON Schema (as OpenAPI 3.1 uses it), so the
// document describes exactly the types the handlers encode and decode.
// Named struct types become components, referenced by name.
type schemas struct {
	components map[string]any
	names      map[reflect.Type]string
}

func newSchemas() *schemas {
	return &schemas{components: map[string]any{}, names: map[reflect.Type]string{}}
}

// overrides describes types whose JSON form is not their Go shape.
var overrides = map[reflect.Type]map[string]any{
	reflect.TypeFor[time.Time]():       {"type": "string", "format": "date-time"},
	reflect.TypeFor[json.RawMessage](): {},
}

// of returns the schema of v's type.
func (s *schemas) of(v any) map[string]any {
	if v == nil {
		return nil
	}
	return s.forType(reflect.TypeOf(v))
}

func (s *schemas) forType(t reflect.Type) map[string]any {
	if o, ok := overrides[t]; ok {
		return o
	}
	switch t.Kind() {
	case reflect.Pointer:
		return nullable(s.forType(t.Elem()))
	case reflect.Struct:
		return s.forStruct(t)
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return map[string]any{"type": "string", "contentEncoding": "base64"}
		}
		return map[string]any{"type": "array", "items": s.forType(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": s.forType(t.Elem())}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	default: // interfaces: any JSON value
		return map[string]any{}
	}
}

// nullable widens a schema to allow null.
func nullable(schema map[string]any) map[string]any {
	if ref, ok := schema["$ref"]; ok {
		return map[string]any{"anyOf": []any{map[string]any{"$ref": ref}, map[string]any{"type": "null"}}}
	}
	typ, ok := schema["type"].(string)
	if !ok {
		return schema
	}
	out := make(map[string]any, len(schema))
	for k, v := range schema {
		out[k] = v
	}
	out["type"] = []string{typ, "null"}
	return out
}

// forStruct describes a struct inline when it is anonymous and as a
// component reference when it is named.
func (s *schemas) forStruct(t reflect.Type) map[string]any {
	if t.Name() == "" {
		return s.object(t)
	}
	name, ok := s.names[t]
	if !ok {
		name = componentName(t)
		s.names[t] = name
		s.components[name] = map[string]any{} // placeholder for recursive types
		s.components[name] = s.object(t)
	}
	return map[string]any{"$ref": "#/components/schemas/" + name}
}

// componentName names a type after its package and itself (UserPatch,
// TicketMessage), dropping the package where the name already says it
// (Ticket, not TicketTicket), so two packages' Patch types cannot collide.
func componentName(t reflect.Type) string {
	name := t.Name()
	if i := strings.IndexByte(name, '['); i >= 0 { // a generic instance: list[pkg/path.Type]
		arg := name[i+1 : len(name)-1]
		dot := strings.LastIndexByte(arg, '.')
		return upperFirst(name[:i]) + "Of" + qualified(arg[:dot], arg[dot+1:])
	}
	return qualified(t.PkgPath(), name)
}

func qualified(pkgPath, name string) string {
	pkg := pkgPath[strings.LastIndexByte(pkgPath, '/')+1:]
	if pkg == "api" || pkg == "httpx" || strings.Contains(strings.ToLower(name), strings.TrimSuffix(pkg, "s")) {
		return upperFirst(name)
	}
	return upperFirst(pkg) + upperFirst(name)
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func (s *schemas) object(t reflect.Type) map[string]any {
	props := map[string]any{}
	for f := range fields(t) {
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" {
			name = f.Name
		}
		schema := s.forType(f.Type)
		if strings.Contains(opts, "string") {
			schema = map[string]any{"type": "string"}
		}
		props[name] = schema
	}
	return map[string]any{"type": "object", "properties": props}
}

// fields yields the JSON-visible fields of t, flattening embedded structs as
// encoding/json does.
func fields(t reflect.Type) func(yield func(reflect.StructField) bool) {
	return func(yield func(reflect.StructField) bool) {
		for i := range t.NumField() {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" || (!f.IsExported() && !f.Anonymous) {
				continue
			}
			embedded := f.Type
			if embedded.Kind() == reflect.Pointer {
				embedded = embedded.Elem()
			}
			if f.Anonymous && tag == "" && embedded.Kind() == reflect.Struct {
				for inner := range fields(embedded) {
					if !yield(inner) {
						return
					}
				}
				continue
			}
			if !f.IsExported() {
				continue
			}
			if !yield(f) {
				return
			}
		}
	}
}
