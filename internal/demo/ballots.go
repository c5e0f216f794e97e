package demo

import (
	"encoding/json"
	"math/rand/v2"
	"sync"

	"github.com/google/uuid"

	"ballot/internal/forms"
	"ballot/internal/intake"
	"ballot/internal/report"
	"ballot/internal/rounds"
	"ballot/internal/service"
)

// How the participants of a target lean, by the level it ends with: the
// share (in percent) of each grade of a criterion (Xuất sắc, Tốt, Trung
// bình, Kém) and of each proposed level (HTXS, HTT, HTNV, KHTNV). An
// organization later rated excellent is graded higher by its own members
// than one that failed its duties, as published tallies show.
var (
	gradeLean = map[string][4]int{
		forms.LevelHTXS:  {48, 46, 6, 0},
		forms.LevelHTT:   {18, 66, 14, 2},
		forms.LevelHTNV:  {4, 46, 40, 10},
		forms.LevelKHTNV: {0, 22, 48, 30},
		report.NotRated:  {10, 62, 24, 4},
	}
	levelLean = map[string][4]int{
		forms.LevelHTXS:  {56, 41, 3, 0},
		forms.LevelHTT:   {12, 74, 13, 1},
		forms.LevelHTNV:  {2, 36, 55, 7},
		forms.LevelKHTNV: {0, 14, 46, 40},
		report.NotRated:  {6, 62, 28, 4},
	}
)

// Comments participants write, by how the target fares.
var (
	praise = []string{
		"Tập thể đoàn kết, lãnh đạo hoàn thành tốt các chỉ tiêu kinh tế - xã hội.",
		"Sinh hoạt chi bộ đã đổi mới nội dung, thiết thực hơn.",
		"Công tác kiểm tra, giám sát được thực hiện thường xuyên, đúng kế hoạch.",
		"Cấp ủy sâu sát cơ sở, giải quyết kịp thời kiến nghị của đảng viên và nhân dân.",
		"Đề nghị quan tâm hơn đến công tác phát triển đảng viên trong thanh niên.",
		"Người đứng đầu gương mẫu, nói đi đôi với làm.",
	}
	excellence = []string{
		"Đơn vị dẫn đầu phong trào thi đua, có nhiều mô hình hay, cách làm sáng tạo.",
		"Hoàn thành vượt mức các chỉ tiêu nghị quyết đề ra, xứng đáng được biểu dương.",
	}
	criticism = []string{
		"Cần tăng cường công tác kiểm tra, giám sát ở các chi bộ trực thuộc.",
		"Việc khắc phục hạn chế, khuyết điểm năm trước còn chậm, cần có lộ trình cụ thể.",
		"Một số chỉ tiêu kinh tế - xã hội chưa đạt kế hoạch đề ra.",
		"Sinh hoạt chi bộ có nơi còn hình thức, chưa đều đặn.",
		"Nội bộ còn biểu hiện thiếu đoàn kết, cần chấn chỉnh kịp thời.",
		"Công tác phát triển đảng viên mới chưa đạt chỉ tiêu.",
	}
)

// answers fills form f the way a participant of a target that ends with
// level might: grades and the proposed level after the level's lean, and
// now and then a comment in keeping with it.
func answers(rng *rand.Rand, f *forms.Form, level string) map[string]json.RawMessage {
	pick := func(lean [4]int, n int) int {
		x := rng.IntN(100)
		for i := 0; i < n-1 && i < len(lean); i++ {
			if x < lean[i] {
				return i
			}
			x -= lean[i]
		}
		return n - 1
	}
	out := map[string]json.RawMessage{}
	put := func(id string, v any) {
		raw, _ := json.Marshal(v)
		out[id] = raw
	}
	for _, q := range f.Questions {
		switch q.Type {
		case forms.Choice:
			lean := gradeLean[level]
			if q.OptionSet == "level4" {
				lean = levelLean[level]
			}
			put(q.ID, q.Options[pick(lean, len(q.Options))].ID)
		case forms.Score:
			// the band's share of the maximum, give or take a tenth
			share := [4]int{92, 80, 62, 42}[pick(levelLean[level], 4)] + rng.IntN(11) - 5
			put(q.ID, max(0, min(q.Max, q.Max*share/100)))
		case forms.Text:
			if rng.IntN(5) != 0 {
				continue
			}
			pool := praise
			switch {
			case level == forms.LevelHTNV || level == forms.LevelKHTNV || rng.IntN(4) == 0:
				pool = criticism
			case level == forms.LevelHTXS && rng.IntN(2) == 0:
				pool = excellence
			}
			put(q.ID, pool[rng.IntN(len(pool))])
		}
	}
	return out
}

// formsOf is the built-in form of each target of units.
func formsOf(units []rounds.Unit) map[string]*forms.Form {
	byID := map[string]*forms.Form{}
	for _, id := range forms.TemplateIDs() {
		f, _ := forms.Template(id)
		byID[id] = &f
	}
	out := map[string]*forms.Form{}
	for _, u := range units {
		if u.IsTarget() {
			out[u.ID] = byID[u.Form]
		}
	}
	return out
}

// vote is one code used: one ballot for each of its targets.
type vote struct {
	code    string
	targets []string
}

// castAll submits every vote as participants would — through Submit, many
// at once — answering for each target with ballot(rng, target), rng seeded
// by the vote's place so that the same votes give the same ballots. It
// returns how many ballots were stored.
func castAll(svc *service.Service, votes []vote, ballot func(rng *rand.Rand, target string) map[string]json.RawMessage) (int, error) {
	subs := make([]intake.Submission, len(votes))
	for i, v := range votes {
		rng := rand.New(rand.NewPCG(uint64(i), 2026))
		subs[i] = intake.Submission{Code: v.code, SubmissionID: uuid.NewString()}
		for _, t := range v.targets {
			subs[i].Ballots = append(subs[i].Ballots, intake.BallotIn{Target: t, Answers: ballot(rng, t)})
		}
	}
	return Cast(svc, subs, 48)
}

// Cast submits subs through the service, workers at a time, as many
// participants at once would, and returns how many ballots were stored and
// the first refusal.
func Cast(svc *service.Service, subs []intake.Submission, workers int) (int, error) {
	work := make(chan *intake.Submission)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	ballots := 0
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for in := range work {
				_, err := svc.Submit(*in)
				mu.Lock()
				if err == nil {
					ballots += len(in.Ballots)
				} else if firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
			}
		}()
	}
	for i := range subs {
		work <- &subs[i]
	}
	close(work)
	wg.Wait()
	return ballots, firstErr
}
