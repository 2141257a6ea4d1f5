package httpx

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"

	"github.com/centerdesk/centerdesk/internal/apperr"
)

var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

// checkNulls refuses a JSON null where dst needs an object: the whole body,
// or a member whose Go type is a struct (not a pointer, which may be left
// out), or an element of a list of structs. encoding/json would take such a
// null for an empty object and let a request through that said nothing.
func checkNulls(body []byte, dst any) error {
	if bytes.Equal(bytes.TrimSpace(body), []byte("null")) {
		return apperr.Invalid("", "the body must be a JSON object, not null")
	}
	if !bytes.Contains(body, []byte("null")) {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil // DecodeJSON reports it
	}
	return nullsIn(v, reflect.TypeOf(dst), "")
}

func nullsIn(v any, t reflect.Type, path string) error {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || v == nil || reflect.PointerTo(t).Implements(unmarshalerType) {
		return nil
	}
	switch t.Kind() {
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		for key, member := range obj {
			f, ok := fieldFor(t, key)
			if !ok {
				continue
			}
			name := joinPath(path, key)
			if member == nil && f.Type.Kind() == reflect.Struct && !reflect.PointerTo(f.Type).Implements(unmarshalerType) {
				return apperr.Invalid(name, "%s must be an object, not null", name)
			}
			if err := nullsIn(member, f.Type, name); err != nil {
				return err
			}
		}
	case reflect.Slice, reflect.Array:
		list, ok := v.([]any)
		if !ok {
			return nil
		}
		for i, el := range list {
			name := path + "[" + strconv.Itoa(i) + "]"
			if el == nil && t.Elem().Kind() == reflect.Struct {
				return apperr.Invalid(name, "%s must be an object, not null", name)
			}
			if err := nullsIn(el, t.Elem(), name); err != nil {
				return err
			}
		}
	case reflect.Map:
		obj, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		for key, member := range obj {
			if err := nullsIn(member, t.Elem(), joinPath(path, key)); err != nil {
				return err
			}
		}
	}
	return nil
}

// fieldFor finds the struct field encoding/json would fill from key,
// looking through embedded structs.
func fieldFor(t reflect.Type, key string) (reflect.StructField, bool) {
	for _, f := range reflect.VisibleFields(t) {
		if !f.IsExported() || f.Anonymous && f.Tag.Get("json") == "" {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if strings.EqualFold(name, key) {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
