package web_test

import (
	"casus/demo"
)

// figuresMatrix: management and the zorgcoördinator see steering figures
// (the coordinator those of the teams they chair); everybody else is
// refused. A scope outside the reader's teams is refused as invalid.
func figuresMatrix() map[string][]cell {
	readers := map[string]int{anon: redirect, demo.UserCoordinator: ok, demo.UserManagement: ok}
	m := map[string][]cell{}
	for _, p := range []string{"/figures", "/figures.csv"} {
		m["GET "+p] = append(byUser(p+"?period=two", nil, forbid, readers),
			cell{user: demo.UserCoordinator, relation: "chairs the team", path: p + "?scope=team:{team}", want: ok},
			cell{user: demo.UserManagement, relation: "steering group", path: p + "?period=last&scope=team:{team}", want: ok},
			cell{user: demo.UserCoordinator, relation: "none (no such team)", path: p + "?scope=team:{unknown}", want: bad},
			cell{user: demo.UserManagement, relation: "none (malformed scope)", path: p + "?scope=student:{lotte}", want: bad})
	}
	return m
}
