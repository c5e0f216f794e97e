package forms

import (
	"sort"
)

// Level ids of the level4 option set: the four rating levels.
const (
	LevelHTXS  = "htxs"
	LevelHTT   = "htt"
	LevelHTNV  = "htnv"
	LevelKHTNV = "khtnv"
)

// Levels lists the level4 ids from best to worst.
var Levels = []string{LevelHTXS, LevelHTT, LevelHTNV, LevelKHTNV}

var levelIDs = map[string]int{LevelHTXS: 0, LevelHTT: 1, LevelHTNV: 2, LevelKHTNV: 3}

// IsLevel reports whether id is a level4 id.
func IsLevel(id string) bool { _, ok := levelIDs[id]; return ok }

// OptionSets are the built-in option sets a choice question can name.
var OptionSets = map[string][]Option{
	"grade4": {
		{ID: "xuat_sac", Label: "Xuất sắc", LabelEN: "Excellent"},
		{ID: "tot", Label: "Tốt", LabelEN: "Good"},
		{ID: "trung_binh", Label: "Trung bình", LabelEN: "Average"},
		{ID: "kem", Label: "Kém", LabelEN: "Poor"},
	},
	"level4": {
		{ID: LevelHTXS, Label: "Hoàn thành xuất sắc nhiệm vụ", LabelEN: "Fulfilled duties excellently"},
		{ID: LevelHTT, Label: "Hoàn thành tốt nhiệm vụ", LabelEN: "Fulfilled duties well"},
		{ID: LevelHTNV, Label: "Hoàn thành nhiệm vụ", LabelEN: "Fulfilled duties"},
		{ID: LevelKHTNV, Label: "Không hoàn thành nhiệm vụ", LabelEN: "Did not fulfil duties"},
	},
}

// The shared tail of every template: the proposed level and a comment.
var tailSection = Section{ID: "chung", Title: "Đánh giá chung", TitleEN: "Overall assessment"}

func tail() []Question {
	return []Question{
		{ID: "level", Type: Choice, Section: "chung", Required: true, OptionSet: "level4",
			Text:   "Đề xuất mức xếp loại chất lượng",
			TextEN: "Proposed rating level"},
		{ID: "comment", Type: Text, Section: "chung", MaxLen: DefaultTextLen,
			Text:   "Nhận xét chung (không bắt buộc)",
			TextEN: "General comment (optional)"},
	}
}

func graded(id, section, text, textEN string) Question {
	return Question{ID: id, Type: Choice, Section: section, Required: true, OptionSet: "grade4", Text: text, TextEN: textEN}
}

var templates = map[string]func() Form{
	"to-chuc-co-so-dang": func() Form {
		return Form{
			ID:      "to-chuc-co-so-dang",
			Title:   "Phiếu phân tích chất lượng tổ chức cơ sở đảng",
			TitleEN: "Quality analysis ballot for a grassroots party organization",
			Sections: []Section{
				{ID: "I", Title: "I. Công tác xây dựng Đảng", TitleEN: "I. Building the Party"},
				{ID: "II", Title: "II. Thực hiện nhiệm vụ chính trị", TitleEN: "II. Carrying out the political tasks"},
				{ID: "III", Title: "III. Khắc phục hạn chế, khuyết điểm", TitleEN: "III. Remedying shortcomings"},
				tailSection,
			},
			Questions: append([]Question{
				graded("c1", "I", "1. Công tác chính trị, tư tưởng",
					"1. Political and ideological work"),
				graded("c2", "I", "2. Công tác tổ chức, cán bộ, xây dựng tổ chức đảng",
					"2. Organization, cadres and building the party unit"),
				graded("c3", "I", "3. Lãnh đạo chính quyền, Mặt trận Tổ quốc và các đoàn thể chính trị - xã hội",
					"3. Leading the government, the Fatherland Front and the mass organizations"),
				graded("c4", "I", "4. Công tác kiểm tra, giám sát và thi hành kỷ luật đảng",
					"4. Inspection, supervision and party discipline"),
				graded("c5", "II", "1. Cụ thể hóa nghị quyết thành chương trình công tác hằng năm và tổ chức thực hiện",
					"1. Turning resolutions into yearly work programmes and carrying them out"),
				graded("c6", "II", "2. Kết quả thực hiện các chỉ tiêu về kinh tế - xã hội, quốc phòng, an ninh",
					"2. Results on the socio-economic, defence and security targets"),
				graded("c7", "III", "Khắc phục những hạn chế, khuyết điểm đã được chỉ ra",
					"Remedying the shortcomings identified before"),
			}, tail()...),
		}
	},
	"tap-the-lanh-dao": func() Form {
		return Form{
			ID:      "tap-the-lanh-dao",
			Title:   "Phiếu phân tích chất lượng tập thể lãnh đạo, quản lý",
			TitleEN: "Quality analysis ballot for a leadership and management collective",
			Sections: []Section{
				{ID: "tieu_chi", Title: "Tiêu chí đánh giá", TitleEN: "Criteria"},
				tailSection,
			},
			Questions: append([]Question{
				graded("c1", "tieu_chi", "1. Thực hiện nguyên tắc tập trung dân chủ và quy chế làm việc",
					"1. Democratic centralism and the working rules"),
				graded("c2", "tieu_chi", "2. Tự phê bình, phê bình và xây dựng đoàn kết nội bộ",
					"2. Self-criticism, criticism and internal unity"),
				graded("c3", "tieu_chi", "3. Lãnh đạo, chỉ đạo thực hiện nhiệm vụ chính trị",
					"3. Leading and directing the political tasks"),
				graded("c4", "tieu_chi", "4. Xây dựng tổ chức bộ máy và đội ngũ cán bộ",
					"4. Building the apparatus and the cadres"),
				graded("c5", "tieu_chi", "5. Công tác kiểm tra, giám sát",
					"5. Inspection and supervision"),
				graded("c6", "tieu_chi", "6. Kết quả thực hiện nhiệm vụ được giao",
					"6. Results of the assigned tasks"),
				graded("c7", "tieu_chi", "7. Khắc phục những hạn chế, khuyết điểm đã được chỉ ra",
					"7. Remedying the shortcomings identified before"),
			}, tail()...),
		}
	},
	"diem-100": func() Form {
		score := func(id, text, textEN string, max int) Question {
			return Question{ID: id, Type: Score, Section: "diem", Required: true, Max: max, Text: text, TextEN: textEN}
		}
		return Form{
			ID:      "diem-100",
			Title:   "Phiếu chấm điểm chất lượng (thang điểm 100)",
			TitleEN: "Quality scoring ballot (100-point scale)",
			Sections: []Section{
				{ID: "diem", Title: "Chấm điểm theo nhóm tiêu chí", TitleEN: "Scores per criteria group"},
				tailSection,
			},
			Questions: append([]Question{
				score("s1", "1. Xây dựng Đảng về chính trị, tư tưởng, đạo đức (tối đa 20 điểm)",
					"1. Political, ideological and ethical building (up to 20 points)", 20),
				score("s2", "2. Công tác tổ chức, cán bộ và đảng viên (tối đa 20 điểm)",
					"2. Organization, cadres and party members (up to 20 points)", 20),
				score("s3", "3. Kiểm tra, giám sát và kỷ luật đảng (tối đa 10 điểm)",
					"3. Inspection, supervision and discipline (up to 10 points)", 10),
				score("s4", "4. Thực hiện nhiệm vụ chính trị được giao (tối đa 40 điểm)",
					"4. Carrying out the assigned political tasks (up to 40 points)", 40),
				score("s5", "5. Khắc phục hạn chế, khuyết điểm (tối đa 10 điểm)",
					"5. Remedying shortcomings (up to 10 points)", 10),
			}, tail()...),
			Bands: []Band{{Min: 90, Level: LevelHTXS}, {Min: 70, Level: LevelHTT}, {Min: 50, Level: LevelHTNV}, {Min: 0, Level: LevelKHTNV}},
		}
	},
}

// Template returns a normalized copy of the built-in template id.
func Template(id string) (Form, bool) {
	make, ok := templates[id]
	if !ok {
		return Form{}, false
	}
	f := make()
	if err := f.Normalize(); err != nil {
		panic("built-in template " + id + ": " + err.Error())
	}
	return f, true
}

// TemplateIDs lists the built-in templates, sorted.
func TemplateIDs() []string {
	ids := make([]string, 0, len(templates))
	for id := range templates {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}
