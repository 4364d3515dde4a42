package web

import "fmt"

// choice is one option of a select, a radio group or a check-box group,
// its label already in words. The form components (templates/_field.html)
// take a list of them as "Choices" when the options are rows (teams,
// people, care-file entries) rather than keys with translated labels.
type choice struct {
	Value, Label string
	// ID is the input's own id; empty: "<the group's id>-<Value>".
	ID string
	// Fixed: Checked says whether the box is ticked, not the submitted form.
	Fixed, Checked, Disabled bool
}

// choices is built in a template, one row at a time:
//
//	{{$o := options}}{{range .Teams}}{{$o = $o.Add .ID .Name}}{{end}}
type choices []choice

// Add appends an option with value and label.
func (c choices) Add(value any, label string) choices {
	return append(c, choice{Value: fmt.Sprint(value), Label: label})
}

// AddID appends an option whose input has its own id.
func (c choices) AddID(id, value any, label string) choices {
	return append(c, choice{ID: fmt.Sprint(id), Value: fmt.Sprint(value), Label: label})
}

// AddState appends a check box whose state comes from the page's data
// instead of the submitted form (an empty id: the default id).
func (c choices) AddState(id, value any, label string, checked, disabled bool) choices {
	return append(c, choice{ID: fmt.Sprint(id), Value: fmt.Sprint(value), Label: label, Fixed: true, Checked: checked, Disabled: disabled})
}
