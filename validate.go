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
				fields[key] = Text{ID: fe.Translate(val.id), EN: fe.Translate(val.en)}
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
