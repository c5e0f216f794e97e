package report_test

import (
	"fmt"
	"strings"
	"testing"

	"ballot/internal/forms"
	"ballot/internal/report"
	"ballot/internal/rounds"
	"ballot/internal/tally"
)

type levels []struct {
	level string
	n     int
}

// province makes a province of 21 district-level targets and grassroots
// targets with the ids given, rated in order by the levels given.
func province(grassroots []string, district, grass levels) *report.Input {
	units := []rounds.Unit{{ID: "gl", Name: "Đảng bộ tỉnh Gia Lai", Kind: "province"}}
	ratings := map[string]report.Rating{}
	rate := func(id string, plan levels) levels {
		for plan[0].n == 0 {
			plan = plan[1:]
		}
		plan[0].n--
		ratings[id] = report.Rating{Unit: id, Level: plan[0].level}
		return plan
	}
	for d := 1; d <= 21; d++ {
		id := fmt.Sprintf("d%02d", d)
		units = append(units, rounds.Unit{ID: id, Name: "Đảng bộ huyện " + id, Parent: "gl", Kind: "district", Group: "huyen", Form: "tap-the-lanh-dao"})
		district = rate(id, district)
	}
	for i, id := range grassroots {
		units = append(units, rounds.Unit{ID: id, Name: "Chi bộ " + id, Parent: fmt.Sprintf("d%02d", i%21+1), Kind: "grassroots", Group: "xa", Form: "to-chuc-co-so-dang"})
		grass = rate(id, grass)
	}
	return &report.Input{Tree: tally.NewTree(units), Ratings: ratings, Finals: map[string]report.Final{}}
}

func ids(prefix string, from, to int) []string {
	var out []string
	for i := from; i <= to; i++ {
		out = append(out, fmt.Sprintf("%s%03d", prefix, i))
	}
	return out
}

// TestTheSummaryReproducesThePublishedReport: the figures of the 2020
// provincial report (seed-report-2020.md, docs/design.md §5.4) come out as its
// sentences do, with the year before compared: 970 grassroots
// organizations then, 15 since merged or dissolved and 2 new.
func TestTheSummaryReproducesThePublishedReport(t *testing.T) {
	t.Parallel()
	now := province(ids("c", 1, 957),
		levels{{forms.LevelHTT, 18}, {forms.LevelHTNV, 3}},
		levels{{forms.LevelHTXS, 162}, {forms.LevelHTT, 709}, {forms.LevelHTNV, 80}, {forms.LevelKHTNV, 2}, {report.NotRated, 4}})
	before := province(append(ids("c", 1, 955), ids("g", 1, 15)...),
		levels{{forms.LevelHTXS, 1}, {forms.LevelHTT, 16}, {forms.LevelHTNV, 4}},
		levels{{forms.LevelHTXS, 158}, {forms.LevelHTT, 700}, {forms.LevelHTNV, 100}, {forms.LevelKHTNV, 6}, {report.NotRated, 6}})
	rep := report.Make(now, "r2", "gl", "")
	now.Compare(rep, before, report.Compared{Round: "r1", Title: "Đánh giá năm 2025", Year: 2025, Final: true})
	rep.Summarize(report.Names{}, 2026)

	if len(rep.Sections) != 2 || rep.Sections[0].Kind != "district" || rep.Sections[1].Kind != "grassroots" {
		t.Fatalf("sections %+v", rep.Sections)
	}
	g := rep.Sections[1]
	if g.Change.Total != -13 || len(g.Added) != 2 || len(g.Gone) != 15 || g.Added[0].ID != "c956" || g.Gone[0].ID != "g001" {
		t.Fatalf("change %+v, added %v, gone %v", g.Change, g.Added, g.Gone)
	}
	if d := g.Change.GoodOrBetter; d.Count != 13 || d.Points != "+2.40" {
		t.Errorf("good or better moved %+v", d)
	}
	if d := g.Change.Levels[forms.LevelHTNV]; d.Count != -20 || d.Points != "-1.98" {
		t.Errorf("HTNV moved %+v", d)
	}
	want := map[string][]string{
		"vi": {
			"Đối với tổ chức đảng cấp huyện: tổng số tổ chức đảng cấp huyện của Đảng bộ tỉnh Gia Lai là 21, không thay đổi so với năm 2025; " +
				"số được đánh giá, xếp loại là 21, chiếm 100%; không có đơn vị nào không đánh giá, xếp loại. " +
				"Kết quả: Hoàn thành tốt nhiệm vụ trở lên là 18, chiếm 85,71% (trong đó Hoàn thành xuất sắc nhiệm vụ: không có); " +
				"Hoàn thành nhiệm vụ là 03, chiếm 14,29%; Không hoàn thành nhiệm vụ: không có. " +
				"So với năm 2025: Hoàn thành tốt nhiệm vụ trở lên tăng 01 (tăng 4,76 điểm phần trăm); " +
				"Hoàn thành xuất sắc nhiệm vụ giảm 01 (giảm 5,88 điểm phần trăm); Hoàn thành nhiệm vụ giảm 01 (giảm 4,76 điểm phần trăm); " +
				"Không hoàn thành nhiệm vụ không đổi.",
			"Đối với tổ chức cơ sở đảng: tổng số tổ chức cơ sở đảng của Đảng bộ tỉnh Gia Lai là 957, giảm 13 so với năm 2025 " +
				"(02 đơn vị mới, 15 đơn vị không còn); số được đánh giá, xếp loại là 953, chiếm 99,58%; số không đánh giá, xếp loại là 04, chiếm 0,42%. " +
				"Kết quả: Hoàn thành tốt nhiệm vụ trở lên là 871, chiếm 91,40% (trong đó Hoàn thành xuất sắc nhiệm vụ là 162, chiếm 18,60%); " +
				"Hoàn thành nhiệm vụ là 80, chiếm 8,39%; Không hoàn thành nhiệm vụ là 02, chiếm 0,21%. " +
				"So với năm 2025: Hoàn thành tốt nhiệm vụ trở lên tăng 13 (tăng 2,40 điểm phần trăm); " +
				"Hoàn thành xuất sắc nhiệm vụ tăng 04 (tăng 0,19 điểm phần trăm); Hoàn thành nhiệm vụ giảm 20 (giảm 1,98 điểm phần trăm); " +
				"Không hoàn thành nhiệm vụ giảm 04 (giảm 0,41 điểm phần trăm).",
		},
		"en": {"", "Grassroots party organizations: Đảng bộ tỉnh Gia Lai has 957 grassroots party organizations, 13 fewer than in 2025 " +
			"(2 new, 15 gone); 953 were rated (99.58%) and 4 were not rated (0.42%). " +
			"Results: fulfilled duties well or better, 871 (91.40%), of which fulfilled duties excellently, 162 (18.60%); " +
			"fulfilled duties, 80 (8.39%); did not fulfil duties, 2 (0.21%). " +
			"Compared with 2025: fulfilled duties well or better up 13 (up 2.40 percentage points); " +
			"fulfilled duties excellently up 4 (up 0.19 percentage points); fulfilled duties down 20 (down 1.98 percentage points); " +
			"did not fulfil duties down 4 (down 0.41 percentage points)."},
	}
	for lang, paragraphs := range want {
		got := rep.Summary[lang]
		if len(got) != 2 {
			t.Fatalf("%s: %d paragraphs", lang, len(got))
		}
		for i, p := range paragraphs {
			if p != "" && got[i] != p {
				t.Errorf("%s paragraph %d:\n got %s\nwant %s", lang, i+1, got[i], p)
			}
		}
	}
}

func TestTheSummaryNamesWhatItComparesWith(t *testing.T) {
	t.Parallel()
	now := province(ids("c", 1, 30), levels{{forms.LevelHTT, 21}}, levels{{forms.LevelHTT, 30}})
	rep := report.Make(now, "r3", "gl", "grassroots")
	rep.Summarize(report.Names{Kinds: map[string]string{"grassroots": "chi bộ cơ sở"}}, 2026)
	if p := rep.Summary["vi"][0]; strings.Contains(p, "so với") || !strings.HasPrefix(p, "Đối với chi bộ cơ sở: tổng số chi bộ cơ sở của") {
		t.Errorf("without a comparison: %s", p)
	}
	// only what moved is named
	before := province(ids("c", 1, 31), levels{{forms.LevelHTT, 21}}, levels{{forms.LevelHTT, 31}})
	gone := report.Make(now, "r3", "gl", "grassroots")
	now.Compare(gone, before, report.Compared{Year: 2025, Final: true})
	gone.Summarize(report.Names{}, 2026)
	if p := gone.Summary["vi"][0]; !strings.Contains(p, "là 30, giảm 01 so với năm 2025 (01 đơn vị không còn);") {
		t.Errorf("one gone: %s", p)
	}
	// a round of the same year is named by its title; one not final says so
	now.Compare(rep, now, report.Compared{Round: "r2", Title: "Đợt bổ sung", Year: 2026, Final: false, Chosen: true})
	rep.Summarize(report.Names{}, 2026)
	p := rep.Summary["vi"][0]
	if !strings.Contains(p, "không thay đổi so với đợt “Đợt bổ sung”") || !strings.HasSuffix(p, "(báo cáo của đợt so sánh chưa được chốt)") {
		t.Errorf("with the same year's round: %s", p)
	}
}
