package i18n

// reportCatalog holds the wording of ratings and reports; it joins catalog
// at init.
var reportCatalog = map[Lang]map[string]string{
	VI: {
		"rating.level":           "mức xếp loại phải là htxs, htt, htnv, khtnv hoặc not_rated (hoặc tên đầy đủ của mức)",
		"rating.date":            "ngày phải có dạng 2026-12-31 hoặc 31/12/2026",
		"rating.reason_required": "không xếp loại thì phải ghi lý do",
		"rating.xlsx":            "Không đọc được tệp Excel.",
		"rating.no_header":       "Tệp trống hoặc thiếu dòng tiêu đề (unit,level,decision,date,reason).",
		"rating.not_target":      "%q không phải đối tượng đánh giá",
		"rating.own_unit":        "Không được tự xếp loại đơn vị của mình.",
		"rating.locked":          "Báo cáo của %q đã chốt; không thể thay đổi xếp loại.",
		"rating.duplicate":       "đơn vị %q đã có ở dòng %d",
		"rating.empty":           "Tệp không có dòng xếp loại nào.",
		"rating.import_bad":      "%s: %s (có %d dòng lỗi; chưa lưu dòng nào).",
		"cap.format":             "tỷ lệ phải là một số, tối đa hai chữ số thập phân",
		"cap.range":              "tỷ lệ phải lớn hơn 0 và không quá 25",
		"cap.no_group":           "đơn vị %[2]q không có đối tượng nào thuộc nhóm %[1]q",
	},
	EN: {
		"rating.level":           "the level must be htxs, htt, htnv, khtnv or not_rated (or the level's full name)",
		"rating.date":            "the date must look like 2026-12-31 or 31/12/2026",
		"rating.reason_required": "a target not rated needs a reason",
		"rating.xlsx":            "The Excel file cannot be read.",
		"rating.no_header":       "The file is empty or has no header (unit,level,decision,date,reason).",
		"rating.not_target":      "%q is not a target",
		"rating.own_unit":        "An authority cannot rate its own unit.",
		"rating.locked":          "The report of %q is final; its ratings cannot change.",
		"rating.duplicate":       "unit %q is already on row %d",
		"rating.empty":           "The file has no ratings.",
		"rating.import_bad":      "%s: %s (%d bad rows; nothing was stored).",
		"cap.format":             "the cap must be a number with at most two decimals",
		"cap.range":              "the cap must be above 0 and at most 25",
		"cap.no_group":           "unit %[2]q has no targets in the group %[1]q",
	},
}

func init() {
	for lang, msgs := range reportCatalog {
		for k, v := range msgs {
			catalog[lang][k] = v
		}
	}
}
