package importer

import "fmt"

// Translate is a message catalog's lookup: i18n.Localizer.T.
type Translate func(key string, data ...map[string]any) string

// ChangeText says one change in the user's language: "achternaam: Jansen
// → de Vries", a guardian's with their name.
func ChangeText(t Translate, c Change) string {
	value := func(v string) string {
		switch {
		case v == "":
			return t("import.empty")
		case c.Field == "guardian_authority" && v == "true":
			return t("import.yes")
		case c.Field == "guardian_authority" && v == "false":
			return t("import.no")
		}
		return v
	}
	label := t("import.field." + c.Field)
	if c.Field == "guardian_added" {
		return label + ": " + c.New
	}
	if c.Guardian != "" {
		label += " (" + c.Guardian + ")"
	}
	return label + ": " + value(c.Old) + " → " + value(c.New)
}

// ProblemWhere says where a problem is: the file, or its line and column.
func ProblemWhere(t Translate, p Problem) string {
	where := t("import.file")
	if p.Row > 0 {
		where = t("import.row", map[string]any{"Row": p.Row})
	}
	if p.Column != "" {
		col := p.Column
		if p.Key == "import.problem.missing_column" {
			col = FieldLabel(t, p.Field)
		}
		where += ", " + t("import.column", map[string]any{"Column": col})
	}
	return where
}

// ProblemText says where a problem is and what it is.
func ProblemText(t Translate, p Problem) string {
	return ProblemWhere(t, p) + ": " + t(p.Key, p.Args)
}

// FieldLabel names a field in the user's language.
func FieldLabel(t Translate, f Field) string {
	var n int
	var part string
	if _, err := fmt.Sscanf(string(f), "guardian%d_%s", &n, &part); err == nil {
		return t("import.field.guardian_n", map[string]any{"Part": t("import.field.guardian_" + part), "N": n})
	}
	return t("import.field." + string(f))
}
