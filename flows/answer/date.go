package answer

import (
	"strconv"
	"time"
)

// Dates before minYear or after maxYear are refused as typing mistakes.
const (
	minYear = 1900
	maxYear = 2100
)

// dateLayout is the form of a parsed date in Value.Text.
const dateLayout = "2006-01-02"

// parseDate reads a date, day first as in the UK: "12/03/2010", "12-3-10",
// "12.03.2010", "12 March 2010", "12th of March 2010", "March 12 2010",
// "2010-03-12", "12 March" and "12/3" (the most recent such day, today
// included), "today", "tomorrow" and "yesterday".
func parseDate(s string) (Value, error) {
	var parts []string
	for _, t := range tokens(s, false) {
		if !words.dateFiller[t] {
			parts = append(parts, t)
		}
	}
	if len(parts) == 1 {
		if days, ok := words.relDays[parts[0]]; ok {
			return Value{Type: Date, Text: Now().AddDate(0, 0, days).Format(dateLayout)}, nil
		}
	}
	// Each part is a number (n), a day with a suffix such as "12th" (d) or a
	// month name (m).
	var shape []byte
	var nums []string
	for _, p := range parts {
		switch {
		case allDigits(p):
			shape = append(shape, 'n')
			nums = append(nums, p)
		case len(p) > 2 && allDigits(p[:len(p)-2]) && ordinal(p) > 0:
			shape = append(shape, 'd')
			nums = append(nums, p[:len(p)-2])
		case words.months[p] > 0:
			shape = append(shape, 'm')
			nums = append(nums, strconv.Itoa(words.months[p]))
		default:
			return Value{}, refuse(ReasonNotDate)
		}
	}
	var day, month, year string
	switch string(shape) {
	case "nnn":
		if len(nums[0]) == 4 { // 2010-03-12
			year, month, day = nums[0], nums[1], nums[2]
		} else {
			day, month, year = nums[0], nums[1], nums[2]
		}
	case "nn":
		day, month = nums[0], nums[1]
	case "nmn", "dmn":
		day, month, year = nums[0], nums[1], nums[2]
	case "nm", "dm":
		day, month = nums[0], nums[1]
	case "mnn", "mdn":
		month, day, year = nums[0], nums[1], nums[2]
	case "mn", "md":
		month, day = nums[0], nums[1]
	default:
		return Value{}, refuse(ReasonNotDate)
	}
	if len(day) > 2 || len(month) > 2 {
		return Value{}, refuse(ReasonNotDate)
	}
	if year == "" {
		return recentDate(day, month)
	}
	var layout string
	switch len(year) {
	case 2:
		layout = "2/1/06" // 69–99 are 1969–1999, 00–68 are 2000–2068
	case 4:
		layout = "2/1/2006"
	default:
		return Value{}, refuse(ReasonNotDate)
	}
	t, err := time.Parse(layout, day+"/"+month+"/"+year)
	if err != nil || t.Year() < minYear || t.Year() > maxYear {
		return Value{}, refuse(ReasonNotDate)
	}
	return Value{Type: Date, Text: t.Format(dateLayout)}, nil
}

// recentDate is the most recent day and month on or before today; 29
// February may be up to eight years back (2100 is not a leap year).
func recentDate(day, month string) (Value, error) {
	today := Now()
	limit := today.Format(dateLayout)
	for y := today.Year(); y >= today.Year()-8 && y >= minYear; y-- {
		t, err := time.Parse("2/1/2006", day+"/"+month+"/"+strconv.Itoa(y))
		if err != nil {
			continue
		}
		if d := t.Format(dateLayout); d <= limit {
			return Value{Type: Date, Text: d}, nil
		}
	}
	return Value{}, refuse(ReasonNotDate)
}
