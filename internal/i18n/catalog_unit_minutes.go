package i18n

// unitMinutesCatalog holds the links from a unit's turnout page to the
// count minutes of that unit; it joins catalog at init.
var unitMinutesCatalog = map[Lang]map[string]string{
	VI: {
		"console.minutes_subtree": "Biên bản kiểm phiếu của %s và các đơn vị trực thuộc",
		"console.minutes_only":    "Biên bản kiểm phiếu riêng của %s",
	},
	EN: {
		"console.minutes_subtree": "Count minutes of %s and the units below it",
		"console.minutes_only":    "Count minutes of %s alone",
	},
}

func init() { merge(unitMinutesCatalog) }
