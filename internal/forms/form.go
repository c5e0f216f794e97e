// Package forms is the ballot form (mẫu phiếu): sections and questions, the
// built-in option sets and templates, the checks and content hash of an
// uploaded form, and the checks of a set of answers.
package forms

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"ballot/internal/apperr"
	"ballot/internal/valid"
)

// Question types.
const (
	Choice = "choice"
	Score  = "score"
	Text   = "text"
)

// Limits of a form.
const (
	MaxQuestions = 100
	MaxSections  = 30
	MaxOptions   = 20
	MaxScore     = 1000
	MaxTextLen   = 5000
	// DefaultTextLen is the length of a text answer when max_len is not given.
	DefaultTextLen = 2000
	MaxBands       = 10
)

// Form is a versioned ballot form. Its content (everything but Version and
// Hash) is what Hash covers.
type Form struct {
	ID        string     `json:"id" validate:"required,id"`
	Title     string     `json:"title" validate:"required,max=300,text"`
	TitleEN   string     `json:"title_en,omitempty" validate:"max=300,text"`
	Sections  []Section  `json:"sections,omitempty" validate:"max=30,dive"`
	Questions []Question `json:"questions" validate:"required,min=1,max=100,dive"`
	// Bands map a total score to a rating level (diem-100).
	Bands   []Band `json:"bands,omitempty" validate:"max=10,dive"`
	Version int    `json:"version"`
	Hash    string `json:"hash"`
}

// Section groups questions under a heading.
type Section struct {
	ID      string `json:"id" validate:"required,id"`
	Title   string `json:"title" validate:"required,max=300,text"`
	TitleEN string `json:"title_en,omitempty" validate:"max=300,text"`
}

// Question is one question of a form.
type Question struct {
	ID       string `json:"id" validate:"required,id"`
	Type     string `json:"type" validate:"required,oneof=choice score text"`
	Section  string `json:"section,omitempty"`
	Text     string `json:"text" validate:"required,max=1000,text"`
	TextEN   string `json:"text_en,omitempty" validate:"max=1000,text"`
	Required bool   `json:"required"`
	// OptionSet names a built-in option set (grade4, level4) whose options
	// fill Options.
	OptionSet string   `json:"option_set,omitempty"`
	Options   []Option `json:"options,omitempty" validate:"max=20,dive"`
	// Max is the highest score of a score question (the lowest is 0).
	Max int `json:"max,omitempty" validate:"gte=0,lte=1000"`
	// MaxLen bounds a text answer, in characters.
	MaxLen int `json:"max_len,omitempty" validate:"gte=0,lte=5000"`
}

// Option is one choice of a choice question.
type Option struct {
	ID      string `json:"id" validate:"required,id"`
	Label   string `json:"label" validate:"required,max=300,text"`
	LabelEN string `json:"label_en,omitempty" validate:"max=300,text"`
}

// Band maps total scores of at least Min to a level4 option.
type Band struct {
	Min   int    `json:"min" validate:"gte=0"`
	Level string `json:"level" validate:"required,id"`
}

// Normalize fills built-in option sets and default lengths, then validates
// the form. It returns an Invalid error naming the first bad field.
func (f *Form) Normalize() error {
	if err := valid.Struct(f, ""); err != nil {
		return err
	}
	sections := map[string]bool{}
	for i, s := range f.Sections {
		if sections[s.ID] {
			return apperr.Field(fmt.Sprintf("sections[%d].id", i), "field.duplicate", s.ID)
		}
		sections[s.ID] = true
	}
	seen := map[string]bool{}
	total := 0
	for i := range f.Questions {
		q := &f.Questions[i]
		at := func(field string) string { return fmt.Sprintf("questions[%d].%s", i, field) }
		if seen[q.ID] {
			return apperr.Field(at("id"), "field.duplicate", q.ID)
		}
		seen[q.ID] = true
		if q.Section != "" && !sections[q.Section] {
			return apperr.Field(at("section"), "form.unknown_section", q.Section)
		}
		switch q.Type {
		case Choice:
			if q.OptionSet != "" {
				set, ok := OptionSets[q.OptionSet]
				if !ok {
					return apperr.Field(at("option_set"), "form.unknown_option_set", q.OptionSet)
				}
				if len(q.Options) > 0 {
					return apperr.Field(at("options"), "form.options_and_set")
				}
				q.Options = append([]Option(nil), set...)
			}
			if len(q.Options) < 2 {
				return apperr.Field(at("options"), "field.min_items", 2)
			}
			ids := map[string]bool{}
			for j, o := range q.Options {
				if ids[o.ID] {
					return apperr.Field(fmt.Sprintf("questions[%d].options[%d].id", i, j), "field.duplicate", o.ID)
				}
				ids[o.ID] = true
			}
			if q.Max != 0 || q.MaxLen != 0 {
				return apperr.Field(at("type"), "form.field_not_for_type", q.Type)
			}
		case Score:
			if q.Max < 1 {
				return apperr.Field(at("max"), "field.min", 1)
			}
			total += q.Max
			if len(q.Options) > 0 || q.OptionSet != "" || q.MaxLen != 0 {
				return apperr.Field(at("type"), "form.field_not_for_type", q.Type)
			}
		case Text:
			if q.MaxLen == 0 {
				q.MaxLen = DefaultTextLen
			}
			if len(q.Options) > 0 || q.OptionSet != "" || q.Max != 0 {
				return apperr.Field(at("type"), "form.field_not_for_type", q.Type)
			}
		}
	}
	if len(f.Bands) > 0 {
		if total == 0 {
			return apperr.Field("bands", "form.bands_without_scores")
		}
		for i, b := range f.Bands {
			if _, ok := levelIDs[b.Level]; !ok {
				return apperr.Field(fmt.Sprintf("bands[%d].level", i), "form.unknown_level", b.Level)
			}
			if i > 0 && b.Min >= f.Bands[i-1].Min {
				return apperr.Field(fmt.Sprintf("bands[%d].min", i), "form.bands_order")
			}
			if b.Min > total {
				return apperr.Field(fmt.Sprintf("bands[%d].min", i), "field.max", total)
			}
		}
		if f.Bands[len(f.Bands)-1].Min != 0 {
			return apperr.Field(fmt.Sprintf("bands[%d].min", len(f.Bands)-1), "form.bands_from_zero")
		}
	}
	f.Hash = f.ContentHash()
	return nil
}

// ContentHash is the hex SHA-256 of the form's content: its canonical JSON
// without version and hash. It goes with every tally of the form.
func (f *Form) ContentHash() string {
	c := *f
	c.Version, c.Hash = 0, ""
	b, err := json.Marshal(c)
	if err != nil {
		panic(err) // a Form always marshals
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Question returns the question with id, or nil.
func (f *Form) Question(id string) *Question {
	for i := range f.Questions {
		if f.Questions[i].ID == id {
			return &f.Questions[i]
		}
	}
	return nil
}

// TotalMax is the sum of the score questions' maxima.
func (f *Form) TotalMax() int {
	total := 0
	for _, q := range f.Questions {
		if q.Type == Score {
			total += q.Max
		}
	}
	return total
}

// BandOf returns the level of a total score, or "" when the form has no bands.
func (f *Form) BandOf(total int) string {
	for _, b := range f.Bands {
		if total >= b.Min {
			return b.Level
		}
	}
	return ""
}

// HasOption reports whether choice question q offers option id.
func (q *Question) HasOption(id string) bool {
	for _, o := range q.Options {
		if o.ID == id {
			return true
		}
	}
	return false
}
