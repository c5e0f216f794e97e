package result

import (
	"encoding/json"
	"slices"

	"ballot/internal/apperr"
	"ballot/internal/forms"
	"ballot/internal/report"
	"ballot/internal/rounds"
	"ballot/internal/tally"
)

// Check verifies that f is one consistent result of the subtree of its
// root, made with the forms fs (a parent round's, by id): the same content
// hashes; the units one tree under the root; a figure for targets and
// roll-ups of that tree only, shaped as their form and without a figure
// where withheld, and a roll-up for every unit and form that has targets
// below; ratings of targets only; a report equal to the one its ratings
// make. The error names what is wrong.
func (f *File) Check(fs map[string]*forms.Form) error {
	if f.Sequence == 0 || f.Root == "" {
		return apperr.Field("file", "result.incomplete")
	}
	if f.Round.Year < rounds.MinYear || f.Round.Year > rounds.MaxYear || f.Round.MinGroupSize < rounds.MinMinGroupSize {
		return apperr.Field("round", "result.round")
	}
	listed := map[string]bool{}
	for _, ff := range f.Forms {
		mine := fs[ff.ID]
		switch {
		case mine == nil:
			return apperr.Field("forms", "result.form_unknown", ff.ID)
		case mine.Hash != ff.Hash:
			return apperr.Field("forms", "result.form_hash", ff.ID, ff.Hash, mine.Hash)
		case listed[ff.ID]:
			return apperr.Field("forms", "field.duplicate", ff.ID)
		}
		listed[ff.ID] = true
	}
	if err := f.checkUnits(listed); err != nil {
		return err
	}
	tree := tally.NewTree(slices.Clone(f.Units))
	if err := f.checkFigures(tree, fs); err != nil {
		return err
	}
	in, err := f.Input(tree)
	if err != nil {
		return err
	}
	rep := report.Make(in, "", f.Root, "")
	if !sameJSON(rep.Sections, f.Report.Sections) || !sameJSON(rep.Quota, f.Report.Quota) {
		return apperr.Field("report", "result.report")
	}
	return nil
}

// checkUnits: one tree (rounds.CheckTree) whose only root is f.Root, of
// listed forms.
func (f *File) checkUnits(listed map[string]bool) error {
	if err := rounds.CheckTree(slices.Clone(f.Units), listed, false); err != nil {
		return apperr.Field("units", "result.units", apperr.Wrap(err).Msg)
	}
	for _, u := range f.Units {
		if u.Parent == "" && u.ID != f.Root {
			return apperr.Field("units", "result.outside_root", u.ID, f.Root)
		}
		if u.ID == f.Root && u.Parent != "" {
			return apperr.Field("units", "result.root_parent", f.Root)
		}
	}
	for _, u := range f.Units {
		if u.ID == f.Root {
			return nil
		}
	}
	return apperr.Field("units", "result.no_root", f.Root)
}

// checkFigures checks targets and roll-ups against the tree and forms.
func (f *File) checkFigures(tree *tally.Tree, fs map[string]*forms.Form) error {
	seen := map[string]bool{}
	for i := range f.Targets {
		t := &f.Targets[i]
		u := tree.Unit(t.Unit)
		switch {
		case u == nil || t.Unit == f.Root || !u.IsTarget():
			return apperr.Field("targets", "result.not_target", t.Unit)
		case u.Form != t.Form:
			return apperr.Field("targets", "result.target_form", t.Unit, t.Form, u.Form)
		case seen[t.Unit]:
			return apperr.Field("targets", "field.duplicate", t.Unit)
		case t.Targets != 0:
			return apperr.Field("targets", "result.figures", t.Unit)
		}
		seen[t.Unit] = true
		if err := checkShape(t, fs[t.Form]); err != nil {
			return err
		}
	}
	// every unit with targets of a form below it has that roll-up, and no
	// other roll-up is there
	want := map[string]int{} // unit|form → targets below
	for _, u := range tree.Units() {
		if !u.IsTarget() {
			continue
		}
		for p := tree.Unit(u.Parent); p != nil; p = tree.Unit(p.Parent) {
			want[p.ID+"|"+u.Form]++
		}
	}
	got := map[string]bool{}
	for i := range f.Rollups {
		r := &f.Rollups[i]
		key := r.Unit + "|" + r.Form
		switch {
		case want[key] == 0:
			return apperr.Field("rollups", "result.not_rollup", r.Unit, r.Form)
		case got[key]:
			return apperr.Field("rollups", "field.duplicate", key)
		case r.Targets != want[key] || r.Issued != 0:
			return apperr.Field("rollups", "result.figures", r.Unit)
		}
		got[key] = true
		if err := checkShape(r, fs[r.Form]); err != nil {
			return err
		}
	}
	if len(got) != len(want) {
		return apperr.Field("rollups", "result.rollups_missing", len(want)-len(got))
	}
	rated := map[string]bool{}
	for _, r := range f.Ratings {
		u := tree.Unit(r.Unit)
		switch {
		case u == nil || !u.IsTarget() || r.Unit == f.Root:
			return apperr.Field("ratings", "result.not_target", r.Unit)
		case rated[r.Unit]:
			return apperr.Field("ratings", "field.duplicate", r.Unit)
		case r.Level != report.NotRated && !slices.Contains(forms.Levels, r.Level):
			return apperr.Field("ratings", "rating.level")
		}
		rated[r.Unit] = true
	}
	for _, c := range f.Caps {
		if tree.Unit(c.Unit) == nil || c.Hundredths <= 0 || c.Hundredths > report.MaxCap {
			return apperr.Field("caps", "result.cap", c.Unit)
		}
	}
	return nil
}

// checkShape checks that figures have form's questions and options in its
// order, counts that add up, and nothing where withheld.
func checkShape(t *tally.Figures, form *forms.Form) error {
	bad := apperr.Field("targets", "result.figures", t.Unit)
	if form == nil || len(t.Questions) != len(form.Questions) || t.Ballots < 0 {
		return bad
	}
	for i, q := range form.Questions {
		fq := &t.Questions[i]
		if fq.ID != q.ID || fq.Type != q.Type || fq.Answered < 0 || fq.Answered > t.Ballots {
			return bad
		}
		if fq.Withheld || t.Withheld || q.Type == forms.Text {
			if fq.Options != nil || fq.Score != nil || (t.Withheld && !fq.Withheld && q.Type != forms.Text) {
				return apperr.Field("targets", "result.withheld_shown", t.Unit, q.ID)
			}
			continue
		}
		switch q.Type {
		case forms.Choice:
			if len(fq.Options) != len(q.Options) || fq.Score != nil {
				return bad
			}
			sum := 0
			for j, o := range fq.Options {
				if o.ID != q.Options[j].ID || o.Count < 0 {
					return bad
				}
				sum += o.Count
			}
			if sum != fq.Answered {
				return bad
			}
		case forms.Score:
			s := fq.Score
			if fq.Options != nil || s == nil || len(s.Histogram) != q.Max/10+1 {
				return bad
			}
			sum := 0
			for _, n := range s.Histogram {
				if n < 0 {
					return bad
				}
				sum += n
			}
			if sum != fq.Answered || s.Sum < 0 || s.Max > q.Max {
				return bad
			}
		}
	}
	return nil
}

// Input is the report input of the file's units, ratings and caps.
func (f *File) Input(tree *tally.Tree) (*report.Input, error) {
	in := &report.Input{Tree: tree, Ratings: map[string]report.Rating{}, Caps: map[string]int{}, Finals: map[string]report.Final{}}
	for _, r := range f.Ratings {
		in.Ratings[r.Unit] = report.Rating{Unit: r.Unit, Level: r.Level, Decision: r.Decision, Date: r.Date, Reason: r.Reason}
	}
	for _, c := range f.Caps {
		in.Caps[report.CapKey(c.Unit, c.Group)] = c.Hundredths
	}
	return in, nil
}

func sameJSON(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(x) == string(y)
}
