package i18n

// lifeCatalog holds what counting says when a round's state, kind or
// public key in the file differ from its audit history; it joins catalog
// at init.
var lifeCatalog = map[Lang]map[string]string{
	VI: {
		"count.life_edited": "trạng thái, loại đợt hoặc khóa công khai của đợt trong tệp dữ liệu khác với những gì nhật ký kiểm tra ghi lại: tệp dữ liệu đã bị sửa (ballot check nêu rõ chỗ khác); chưa phiếu nào được kiểm",
	},
	EN: {
		"count.life_edited": "the round's state, kind or public key in the file differ from what the audit chain records: the file was altered (ballot check names how); nothing was counted",
	},
}

func init() { merge(lifeCatalog) }
