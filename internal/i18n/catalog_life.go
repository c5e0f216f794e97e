package i18n

// lifeCatalog holds what counting and the intake say when a round's state,
// kind or public key in the file differ from its audit history; it joins
// catalog at init.
var lifeCatalog = map[Lang]map[string]string{
	VI: {
		"count.frozen_changed": "các đơn vị hoặc mẫu phiếu của đợt đã khác với dấu ghi trong nhật ký kiểm tra lúc mở đợt (mục %d): tệp dữ liệu đã bị sửa; chưa phiếu nào được kiểm",
		"count.life_edited":    "trạng thái, loại đợt hoặc khóa công khai của đợt trong tệp dữ liệu khác với những gì nhật ký kiểm tra ghi lại: tệp dữ liệu đã bị sửa (ballot check nêu rõ chỗ khác); chưa phiếu nào được kiểm",
		"round.life_edited":    "đợt %s trong tệp dữ liệu khác với những gì nhật ký kiểm tra ghi lại (trạng thái hoặc khóa công khai; ballot check nêu rõ chỗ khác): đợt không được mở và không nhận phiếu nào cho đến khi tệp được khắc phục",
	},
	EN: {
		"count.frozen_changed": "the round's units or forms differ from the digest anchored in the audit chain at opening (entry %d): the file was altered; nothing was counted",
		"count.life_edited":    "the round's state, kind or public key in the file differ from what the audit chain records: the file was altered (ballot check names how); nothing was counted",
		"round.life_edited":    "round %s in the file differs from what the audit chain records (its state or public key; ballot check names how): it is neither opened nor takes a ballot until the file is put right",
	},
}

func init() { merge(lifeCatalog) }
