package lontar

import (
	"errors"
	"reflect"
	"strings"
	"sync"

	"github.com/go-playground/locales/en"
	"github.com/go-playground/locales/id"
	ut "github.com/go-playground/universal-translator"
	"github.com/go-playground/validator/v10"
	en_translations "github.com/go-playground/validator/v10/translations/en"
	id_translations "github.com/go-playground/validator/v10/translations/id"
)

type validation struct {
	v      *validator.Validate
	id, en ut.Translator
}

// validatorOnce builds the validator once: it caches struct metadata and is
// safe for concurrent use, so one instance serves the whole process.
var validatorOnce = sync.OnceValue(func() *validation {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name := strings.SplitN(f.Tag.Get("json"), ",", 2)[0]
		if name == "-" {
			return ""
		}
		if name == "" {
			return f.Name
		}
		return name
	})
	uni := ut.New(en.New(), en.New(), id.New())
	tEN, _ := uni.GetTranslator("en")
	tID, _ := uni.GetTranslator("id")
	if err := en_translations.RegisterDefaultTranslations(v, tEN); err != nil {
		panic(err) // a programming error in the translation tables
	}
	if err := id_translations.RegisterDefaultTranslations(v, tID); err != nil {
		panic(err)
	}
	// The default datetime message shows Go's layout ("2006-01-02"):
	// say the format as people write it.
	for _, tr := range []struct {
		t   ut.Translator
		msg string
	}{{tEN, "{0} must be a date written as {1}"}, {tID, "{0} harus tanggal yang ditulis {1}"}} {
		words := dateLayoutWords[tr.t.Locale()]
		err := v.RegisterTranslation("datetime", tr.t,
			func(t ut.Translator) error { return t.Add("datetime", tr.msg, true) },
			func(t ut.Translator, fe validator.FieldError) string {
				layout := fe.Param()
				for goForm, human := range words {
					layout = strings.ReplaceAll(layout, goForm, human)
				}
				msg, _ := t.T("datetime", fe.Field(), layout)
				return msg
			})
		if err != nil {
			panic(err)
		}
	}
	return &validation{v: v, id: tID, en: tEN}
})

// A field's label is what its form calls it, in both languages, from a
// `label:"Nama lengkap|Full name"` tag; a third part, "choice", marks a
// field picked from a list (oneof tags imply it). Messages use the label,
// never the JSON name: a learner reads "Nama lengkap wajib diisi", not
// "name wajib diisi", and "Pilih wilayah" for a list left unpicked.
type label struct{ id, en string }

// fieldOf finds the struct field a validation error is about, following
// its namespace ("RegisterInput.Profile.Sector", "Modules[0].Title")
// from the validated type.
func fieldOf(t reflect.Type, namespace string) (reflect.StructField, bool) {
	parts := strings.Split(namespace, ".")
	var f reflect.StructField
	for i, part := range parts[1:] {
		name, idx, _ := strings.Cut(part, "[")
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return f, false
		}
		var ok bool
		if f, ok = t.FieldByName(name); !ok {
			return f, false
		}
		t = f.Type
		if idx != "" && i < len(parts)-2 {
			for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map || t.Kind() == reflect.Array {
				t = t.Elem()
			}
		}
	}
	return f, true
}

// fieldMessage says what is wrong with a field in words, with its label
// when it has one, else in the validator's own words.
func fieldMessage(fe validator.FieldError, root reflect.Type, val *validation) Text {
	f, ok := fieldOf(root, fe.StructNamespace())
	parts := strings.Split(f.Tag.Get("label"), "|")
	if !ok || len(parts) < 2 {
		return Text{ID: fe.Translate(val.id), EN: fe.Translate(val.en)}
	}
	l := label{parts[0], parts[1]}
	low := func(s string) string { return strings.ToLower(s[:1]) + s[1:] }
	p := fe.Param()
	kind := fe.Kind()
	isText := kind == reflect.String
	isList := kind == reflect.Slice || kind == reflect.Map
	choice := strings.Contains(f.Tag.Get("validate"), "oneof") || len(parts) > 2 && parts[2] == "choice"
	switch fe.Tag() {
	case "required":
		if choice || isList {
			return Text{ID: "Pilih " + low(l.id) + ".", EN: "Choose the " + low(l.en) + "."}
		}
		return Text{ID: l.id + " wajib diisi.", EN: l.en + " is required."}
	case "oneof":
		return Text{ID: "Pilih " + low(l.id) + " dari daftar.", EN: "Choose the " + low(l.en) + " from the list."}
	case "min", "gte":
		switch {
		case isText:
			return Text{ID: l.id + " minimal " + p + " karakter.", EN: l.en + " needs at least " + p + " characters."}
		case isList:
			return Text{ID: l.id + ": pilih minimal " + p + ".", EN: l.en + ": choose at least " + p + "."}
		}
		return Text{ID: l.id + " paling kecil " + p + ".", EN: l.en + " must be at least " + p + "."}
	case "max", "lte":
		switch {
		case isText:
			return Text{ID: l.id + " paling banyak " + p + " karakter.", EN: l.en + " can have at most " + p + " characters."}
		case isList:
			return Text{ID: l.id + ": paling banyak " + p + ".", EN: l.en + ": at most " + p + "."}
		}
		return Text{ID: l.id + " paling besar " + p + ".", EN: l.en + " must be at most " + p + "."}
	case "len":
		return Text{ID: l.id + " harus " + p + " karakter.", EN: l.en + " must be " + p + " characters long."}
	case "numeric":
		return Text{ID: l.id + " hanya boleh berisi angka.", EN: l.en + " may contain digits only."}
	}
	// Any other rule: the validator's words, with the label for the name.
	return Text{ID: strings.Replace(fe.Translate(val.id), fe.Field(), l.id, 1), EN: strings.Replace(fe.Translate(val.en), fe.Field(), l.en, 1)}
}

// dateLayoutWords turns the parts of a Go time layout into what people
// write, per language.
var dateLayoutWords = map[string]map[string]string{
	"en": {"2006": "YYYY", "01": "MM", "02": "DD", "15": "hh", "04": "mm"},
	"id": {"2006": "TTTT", "01": "BB", "02": "HH", "15": "jj", "04": "mm"},
}

// Validate checks the `validate` tags of v and then, if v has a
// Validate() error method, its rules, and returns one validation_failed
// *Error with every problem found, one message per field (keyed by the
// JSON path, e.g. "profile.sector") in Indonesian and English, or nil.
// A form shows all its problems at once, not one round trip at a time.
func Validate(v any) error {
	val := validatorOnce()
	fields := map[string]Text{}
	err := val.v.Struct(v)
	var verrs validator.ValidationErrors
	if errors.As(err, &verrs) {
		for _, fe := range verrs {
			key := fe.Namespace()
			if i := strings.IndexByte(key, '.'); i >= 0 {
				key = key[i+1:] // drop the top-level struct name
			}
			// modules[0].lessons[2] → modules.0.lessons.2, like every
			// other field path Lontar reports.
			key = strings.NewReplacer("[", ".", "]", "").Replace(key)
			if _, seen := fields[key]; !seen {
				fields[key] = fieldMessage(fe, reflect.TypeOf(v), val)
			}
		}
	} else if err != nil {
		return err // InvalidValidationError: a programming error, reported as internal
	}
	if s, ok := v.(interface{ Validate() error }); ok {
		if err := s.Validate(); err != nil {
			var e *Error
			if !errors.As(err, &e) || len(e.Fields) == 0 {
				return err
			}
			for k, msg := range e.Fields {
				if _, seen := fields[k]; !seen {
					fields[k] = msg
				}
			}
		}
	}
	if len(fields) > 0 {
		return FieldErrors(fields)
	}
	return nil
}
