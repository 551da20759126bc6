// Package apidoc turns the Go types that read and write the API's bodies
// into JSON Schemas, so the OpenAPI document is generated from the code
// and cannot drift from it. Each feature lists its routes' bodies in an
// APIBodies function beside its handler; server/openapi.go collects them.
package apidoc

import (
	"encoding/json"
	"reflect"
	"strings"
	"time"
)

// Bodies are the types a route reads and writes, as zero values, and an
// example request in Indonesian.
type Bodies struct {
	Request  any
	Response any
	Example  any
}

// Schemas builds JSON Schemas, keeping each named struct once under
// Components (referenced as #/components/schemas/<pkg>.<Type>).
type Schemas struct {
	Components map[string]any
}

// NewSchemas returns an empty collection.
func NewSchemas() *Schemas { return &Schemas{Components: map[string]any{}} }

var (
	timeType      = reflect.TypeOf(time.Time{})
	rawType       = reflect.TypeOf(json.RawMessage{})
	marshalerType = reflect.TypeOf((*json.Marshaler)(nil)).Elem()
)

// OneOf is a body that is one of several types (a quiz as its author or
// as a learner reads it).
type OneOf []any

// Of is the schema of v's type.
func (s *Schemas) Of(v any) map[string]any {
	if alts, ok := v.(OneOf); ok {
		var schemas []any
		for _, a := range alts {
			schemas = append(schemas, s.Of(a))
		}
		return map[string]any{"anyOf": schemas}
	}
	return s.of(reflect.TypeOf(v))
}

func (s *Schemas) of(t reflect.Type) map[string]any {
	if t == nil {
		return map[string]any{}
	}
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t == rawType:
		return map[string]any{}
	case t.Kind() != reflect.Pointer && (t.Implements(marshalerType) || reflect.PointerTo(t).Implements(marshalerType)):
		// A type that writes its own JSON: its fields do not say its shape.
		return map[string]any{"description": t.String() + " (its own encoding)"}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return map[string]any{"anyOf": []any{s.of(t.Elem()), map[string]any{"type": "null"}}}
	case reflect.Interface:
		return map[string]any{}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Map:
		return map[string]any{"type": []string{"object", "null"}, "additionalProperties": s.of(t.Elem())}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return map[string]any{"type": "string"}
		}
		return map[string]any{"type": []string{"array", "null"}, "items": s.of(t.Elem())}
	case reflect.Struct:
		if t.Name() == "" {
			return s.object(t)
		}
		name := t.PkgPath()[strings.LastIndex(t.PkgPath(), "/")+1:] + "." + t.Name()
		if _, done := s.Components[name]; !done {
			s.Components[name] = map[string]any{} // reserved: a type may refer to itself
			s.Components[name] = s.object(t)
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	return map[string]any{}
}

// object is a struct's schema: its JSON fields (embedded structs
// flattened), required unless omitempty or omitzero, nothing else.
func (s *Schemas) object(t reflect.Type) map[string]any {
	props := map[string]any{}
	var required []string
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for i := range t.NumField() {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			name, opts, _ := strings.Cut(tag, ",")
			if name == "-" || !f.IsExported() && !f.Anonymous {
				continue
			}
			ft := f.Type
			if f.Anonymous && name == "" {
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct {
					walk(ft)
					continue
				}
			}
			if name == "" {
				name = f.Name
			}
			props[name] = s.of(f.Type)
			if !strings.Contains(opts, "omitempty") && !strings.Contains(opts, "omitzero") {
				required = append(required, name)
			}
		}
	}
	walk(t)
	o := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}
