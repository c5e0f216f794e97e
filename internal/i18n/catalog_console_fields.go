package i18n

// consoleFieldsCatalog holds the console's short names of the documents'
// settings — how the audit log labels a change of them and how a field's
// error names them — and the audit log's "yes". It joins catalog at init.
var consoleFieldsCatalog = map[Lang]map[string]string{
	VI: {
		"console.yes":      "có",
		"auditf.documents": "Cơ quan ban hành và người ký",
	},
	EN: {
		"console.yes":      "yes",
		"auditf.documents": "Issuing body and signers",
	},
}

// documentsFields are the documents' settings by their JSON names, each
// named once for both the audit log (auditf.) and field errors (label.).
var documentsFields = map[Lang]map[string]string{
	VI: {
		"issuer_parent":   "Cơ quan cấp trên",
		"issuer":          "Cơ quan ban hành",
		"place":           "Địa danh",
		"signer_for":      "Thẩm quyền ký",
		"signer_title":    "Chức vụ",
		"signer_name":     "Người ký",
		"recipients":      "Nơi nhận",
		"count_head":      "Trưởng ban kiểm phiếu",
		"count_secretary": "Thư ký",
		"kinds":           "Loại đơn vị",
		"groups":          "Nhóm",
	},
	EN: {
		"issuer_parent":   "Parent body",
		"issuer":          "Issuing body",
		"place":           "Place",
		"signer_for":      "On behalf of",
		"signer_title":    "Title",
		"signer_name":     "Signer",
		"recipients":      "Recipients",
		"count_head":      "Head of the counting committee",
		"count_secretary": "Secretary",
		"kinds":           "Kinds of units",
		"groups":          "Groups",
	},
}

func init() {
	for lang, names := range documentsFields {
		for k, v := range names {
			consoleFieldsCatalog[lang]["auditf."+k] = v
			consoleFieldsCatalog[lang]["label."+k] = v
		}
	}
	merge(consoleFieldsCatalog)
}
