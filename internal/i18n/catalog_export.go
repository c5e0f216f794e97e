package i18n

// exportCatalog holds the wording of exported files; it joins catalog at
// init.
var exportCatalog = map[Lang]map[string]string{
	VI: {
		"export.kind":           "Loại",
		"export.kind_target":    "Đối tượng",
		"export.kind_rollup":    "Tổng hợp",
		"export.unit":           "Mã đơn vị",
		"export.name":           "Tên đơn vị",
		"export.form":           "Mẫu phiếu",
		"export.ballots":        "Số phiếu",
		"export.question":       "Mã câu hỏi",
		"export.question_text":  "Nội dung",
		"export.answered":       "Số trả lời",
		"export.option":         "Mã lựa chọn",
		"export.label":          "Lựa chọn",
		"export.count":          "Số lượng",
		"export.percent":        "Tỷ lệ (%)",
		"export.withheld":       "Không công bố",
		"export.yes":            "có",
		"export.stat_mean":      "Điểm trung bình",
		"export.stat_min":       "Điểm thấp nhất",
		"export.stat_max":       "Điểm cao nhất",
		"export.sheet_targets":  "Đối tượng",
		"export.sheet_rollups":  "Tổng hợp",
		"export.sheet_comments": "Nhận xét",
		"export.comment":        "Nhận xét",
		"export.tally_title":    "KẾT QUẢ TỔNG HỢP PHIẾU PHÂN TÍCH CHẤT LƯỢNG",
		"export.withheld_note":  "Không công bố (dưới số phiếu tối thiểu)",
		"export.footer":         "Đợt: %s. Lập lúc %s. Mã băm nội dung mẫu phiếu:",
		"export.rollup_heading": "Tổng hợp: %s (mẫu %s)",
		"export.ballots_meta":   "Số phiếu: %d",
	},
	EN: {
		"export.kind":           "Kind",
		"export.kind_target":    "Target",
		"export.kind_rollup":    "Roll-up",
		"export.unit":           "Unit id",
		"export.name":           "Unit name",
		"export.form":           "Form",
		"export.ballots":        "Ballots",
		"export.question":       "Question id",
		"export.question_text":  "Question",
		"export.answered":       "Answered",
		"export.option":         "Option id",
		"export.label":          "Option",
		"export.count":          "Count",
		"export.percent":        "Percent",
		"export.withheld":       "Withheld",
		"export.yes":            "yes",
		"export.stat_mean":      "Mean score",
		"export.stat_min":       "Lowest score",
		"export.stat_max":       "Highest score",
		"export.sheet_targets":  "Targets",
		"export.sheet_rollups":  "Roll-ups",
		"export.sheet_comments": "Comments",
		"export.comment":        "Comment",
		"export.tally_title":    "TALLY OF THE QUALITY ANALYSIS BALLOTS",
		"export.withheld_note":  "Withheld (fewer ballots than the minimum group)",
		"export.footer":         "Round: %s. Made at %s. Content hashes of the forms:",
		"export.rollup_heading": "Roll-up: %s (form %s)",
		"export.ballots_meta":   "Ballots: %d",
	},
}

func init() {
	for lang, msgs := range exportCatalog {
		for k, v := range msgs {
			catalog[lang][k] = v
		}
	}
}
