package export

import (
	"html/template"
	"io"
	"strconv"
	"time"

	"ballot/internal/i18n"
	"ballot/internal/tally"
	"ballot/web"
)

var printTemplates = template.Must(template.New("").Funcs(i18n.TemplateFuncs()).ParseFS(web.FS, "print/*.html"))

// Meta is what a printed document says about where it comes from.
type Meta struct {
	Round     string // the round's title
	UnitName  string
	Generated time.Time
}

type block struct {
	Heading, Meta string
	Lines         []line
	AllWithheld   bool
}

type line struct {
	First           bool
	Span            int
	Question, Label string
	Answered        int
	Withheld        bool
	Count, Percent  string
	Bar             string
}

// TallyHTML writes a tally as a printable A4 document with inline SVG bars.
func TallyHTML(w io.Writer, c *tally.Counted, unit string, lang i18n.Lang, m Meta) error {
	var blocks []block
	hashes := map[string]string{}
	var cur *block
	var qStart int
	err := Rows(c, unit, lang, func(r Row) error {
		hashes[r.Form] = c.Forms[r.Form].Hash
		heading := r.Name
		if r.Kind == "rollup" {
			heading = i18n.M("export.rollup_heading", r.Name, r.Form).In(lang)
		}
		if cur == nil || cur.Heading != heading {
			blocks = append(blocks, block{Heading: heading, Meta: i18n.M("export.ballots_meta", r.Ballots).In(lang)})
			cur, qStart = &blocks[len(blocks)-1], -1
		}
		if r.Histogram {
			return nil // the print shows options and score statistics
		}
		l := line{Question: r.Text, Label: r.Label, Answered: r.Answered, Withheld: r.Withheld}
		if r.Count != nil {
			l.Count = strconv.Itoa(*r.Count)
		}
		if r.Percent != nil {
			l.Percent = *r.Percent
			if r.Option != "mean" {
				l.Bar = *r.Percent
			}
		}
		if qStart < 0 || cur.Lines[qStart].Question != r.Text {
			l.First, l.Span = true, 1
			cur.Lines = append(cur.Lines, l)
			qStart = len(cur.Lines) - 1
			return nil
		}
		cur.Lines[qStart].Span++
		cur.Lines = append(cur.Lines, l)
		return nil
	}, nil)
	if err != nil {
		return err
	}
	for i := range blocks {
		blocks[i].AllWithheld = true
		for _, l := range blocks[i].Lines {
			blocks[i].AllWithheld = blocks[i].AllWithheld && (l.Withheld || l.Count == "" && l.Percent == "")
		}
	}
	return printTemplates.ExecuteTemplate(w, "tally.html", map[string]any{
		"Lang": lang, "Round": m.Round, "UnitName": m.UnitName, "Blocks": blocks, "Hashes": hashes,
		"Generated": i18n.Time(m.Generated),
	})
}
