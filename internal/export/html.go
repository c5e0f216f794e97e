package export

import (
	"bufio"
	"io"
	"strconv"

	"ballot/internal/i18n"
	"ballot/internal/report"
	"ballot/internal/tally"
)

// TallyHTML writes a tally as a printable A4 landscape document, the wide
// tally for people: for each form a legend of its columns, then a table per
// deciding unit — its heading in the table's repeated header, so that no
// heading is left at the foot of a page — with a row per target and the
// unit's roll-up; the other roll-ups after; then the comments of each
// target (withheld as the JSON withholds them). It streams, writing each
// row as the walk of the tally reaches it (a walk per form, one for the
// comments).
func TallyHTML(w io.Writer, c *tally.Counted, unit string, lang i18n.Lang, m Meta) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	exec := func(name string, data any) error { return printTemplates.ExecuteTemplate(bw, name, data) }
	fs := formsIn(c, unit)
	hashes := map[string]string{}
	for _, f := range fs {
		hashes[f.ID] = f.Hash
	}
	where := m.Round
	if m.UnitName != "" {
		where += " — " + m.UnitName
	}
	err := exec("tally_start", map[string]any{"Lang": lang, "Round": m.Round, "Where": where, "MinGroup": c.MinGroup,
		"Generated": i18n.Time(m.Generated)})
	if err != nil {
		return err
	}
	for i, f := range fs {
		if err := tallyForm(exec, c, unit, newWideForm(f, lang), i+1, lang); err != nil {
			return err
		}
	}
	if err := tallyComments(exec, c, unit, lang); err != nil {
		return err
	}
	if err := exec("tally_end", map[string]any{"Lang": lang, "Round": m.Round, "Hashes": hashes, "Generated": i18n.Time(m.Generated)}); err != nil {
		return err
	}
	return bw.Flush()
}

// tallyTable is a table of the print view being opened: its heading and
// its form's columns.
type tallyTable struct {
	Lang    i18n.Lang
	Heading string
	Groups  []span
	Cols    []wideColumn
	Span    int
	// Bar adds a column drawing the shares of the proposed levels.
	Bar bool
}

// levelShades fill the proposed levels' shares, best darkest.
var levelShades = map[string]string{"htxs": "#111", "htt": "#666", "htnv": "#aaa", "khtnv": "#ddd"}

// tallyForm writes one form's part of the print view.
func tallyForm(exec func(string, any) error, c *tally.Counted, unit string, f wideForm, n int, lang i18n.Lang) error {
	if err := exec("tally_form", map[string]any{"Lang": lang, "Heading": roman(n) + ". " + f.Title, "Cols": f.Cols}); err != nil {
		return err
	}
	table := tallyTable{Lang: lang, Groups: f.groupSpans(), Cols: f.Cols, Span: len(f.Cols) + 3}
	for _, c := range f.Cols {
		table.Bar = table.Bar || c.kind == wideOption && levelShades[c.opt] != ""
	}
	if table.Bar {
		table.Span++
	}
	open, parent := false, ""
	var others []tally.RollupView
	withheld := i18n.M("wide.withheld_all").In(lang)
	partly := i18n.M("wide.withheld_some").In(lang)
	row := func(name string, ballots int, qs []tally.QuestionView, all, total bool) error {
		r := printRow{Total: total, Cells: []printCell{{Text: name}, {Text: i18n.Int(ballots, lang), Class: "n"}}}
		mark := ""
		bar := printCell{}
		if all {
			for range f.Cols {
				r.Cells = append(r.Cells, printCell{Text: "—", Class: "w"})
			}
			mark = withheld
		} else {
			x := 0.0
			for i, v := range f.values(nil, qs) {
				switch {
				case v.Withheld:
					r.Cells, mark = append(r.Cells, printCell{Text: "—", Class: "w"}), partly
				case v.Empty:
					r.Cells = append(r.Cells, printCell{})
				case v.IsCount:
					r.Cells = append(r.Cells, printCell{Text: i18n.Int(v.Count, lang), Class: "n"})
				default:
					text := i18n.Decimal(v.Text, lang)
					r.Cells = append(r.Cells, printCell{Text: text, Class: "n"})
					if shade := levelShades[f.Cols[i].opt]; f.Cols[i].kind == wideOption && shade != "" {
						w := float64(report.Hundredths(v.Text)) / 100
						bar.Bar = append(bar.Bar, barPart{X: x, W: w, Fill: shade})
						bar.Text += f.Cols[i].Head + " " + text + "% "
						x += w
					}
				}
			}
		}
		if table.Bar {
			r.Cells = append(r.Cells, bar)
		}
		r.Cells = append(r.Cells, printCell{Text: mark})
		return exec("row", r)
	}
	closeTable := func() error {
		if !open {
			return nil
		}
		open = false
		return exec("tally_close", nil)
	}
	err := c.Walk(unit, func(t tally.TargetView) error {
		if t.Form != f.ID {
			return nil
		}
		u := c.Tree.Unit(t.ID)
		if !open || u.Parent != parent {
			if err := closeTable(); err != nil {
				return err
			}
			parent, open = u.Parent, true
			table.Heading = i18n.M("minutes.under", c.Tree.Unit(u.Parent).Name).In(lang)
			if err := exec("tally_open", table); err != nil {
				return err
			}
		}
		return row(t.Name, t.Ballots, t.Questions, t.Withheld, false)
	}, func(r tally.RollupView) error {
		if r.Form != f.ID {
			return nil
		}
		if open && r.Unit == parent {
			return row(i18n.M("wide.rollup_row", r.Name, r.Targets).In(lang), r.Ballots, r.Questions, r.Withheld, true)
		}
		others = append(others, r)
		return nil
	})
	if err != nil {
		return err
	}
	if err := closeTable(); err != nil {
		return err
	}
	if len(others) == 0 {
		return nil
	}
	table.Heading = i18n.M("wide.rollups").In(lang)
	if err := exec("tally_open", table); err != nil {
		return err
	}
	for _, r := range others {
		if err := row(i18n.M("wide.rollup_row", r.Name, r.Targets).In(lang), r.Ballots, r.Questions, r.Withheld, true); err != nil {
			return err
		}
	}
	return exec("tally_close", nil)
}

// tallyComments writes the comments of each target that has any.
func tallyComments(exec func(string, any) error, c *tally.Counted, unit string, lang i18n.Lang) error {
	started := false
	err := c.Walk(unit, func(t tally.TargetView) error {
		answered := 0
		for _, q := range t.Questions {
			if q.Type == "text" {
				answered += q.Answered
			}
		}
		if answered == 0 {
			return nil
		}
		if !started {
			started = true
			if err := exec("tally_comments", map[string]any{"Lang": lang}); err != nil {
				return err
			}
		}
		data := map[string]any{"Lang": lang, "Name": t.Name, "Count": answered, "Withheld": t.Withheld, "MinGroup": c.MinGroup}
		if len(t.Comments) > 0 {
			data["First"] = t.Comments[0]
			rest := make([]numbered, len(t.Comments)-1)
			for i, text := range t.Comments[1:] {
				rest[i] = numbered{strconv.Itoa(i + 2), text}
			}
			data["Rest"] = rest
		}
		return exec("tally_target_comments", data)
	}, func(tally.RollupView) error { return nil })
	if err != nil || !started {
		return err
	}
	return exec("tally_comments_end", nil)
}

type numbered struct{ N, Text string }
