// Command gotemplate exposes Go's own text/template to Node.js (GOOS=js GOARCH=wasm) so the deploy
// tests render the Nomad Pack exactly as nomad-pack does: one template set, "[[ ]]" delimiters,
// helper templates under templates/_ parsed but not rendered, "<no value>" blanked afterwards.
//
// Only nomad-pack's context functions (var, must_var, vars, meta, must_meta, metas) are provided,
// ported from hashicorp/nomad-pack internal/pkg/variable/parser (v0.1+ syntax); the pack's
// templates must not use anything else beyond text/template's builtins.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"syscall/js"
	"text/template"
)

// packVars returns the current pack's variables: nomad-pack puts them at ._self.
func packSection(ctx any, section string) (map[string]any, error) {
	root, ok := ctx.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("context is %T, want the pack template context", ctx)
	}
	self, ok := root["_self"].(map[string]any)
	if !ok {
		return nil, errors.New("context has no _self pack")
	}
	m, ok := self[section].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("_self has no %s", section)
	}
	return m, nil
}

func descend(keys []string, m map[string]any, what string) (any, error) {
	v, found := m[keys[0]]
	if !found {
		return nil, fmt.Errorf("%s key %s not found", what, keys[0])
	}
	if len(keys) == 1 {
		return v, nil
	}
	next, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("encountered non-traversable key while traversing")
	}
	return descend(keys[1:], next, what)
}

func mustVar(k string, ctx any) (any, error) {
	vars, err := packSection(ctx, "vars")
	if err != nil {
		return nil, err
	}
	return descend(strings.Split(k, "."), vars, "var")
}

func mustMeta(k string, ctx any) (any, error) {
	metas, err := packSection(ctx, "meta")
	if err != nil {
		return nil, err
	}
	return descend(strings.Split(k, "."), metas, "meta")
}

func funcs() template.FuncMap {
	return template.FuncMap{
		"var": func(k string, ctx any) any {
			if v, err := mustVar(k, ctx); err == nil {
				return v
			}
			return ""
		},
		"must_var": mustVar,
		"vars":     func(ctx any) (map[string]any, error) { return packSection(ctx, "vars") },
		"meta": func(k string, ctx any) any {
			if v, err := mustMeta(k, ctx); err == nil {
				return v
			}
			return ""
		},
		"must_meta": mustMeta,
		"metas":     func(ctx any) (map[string]any, error) { return packSection(ctx, "meta") },
	}
}

type request struct {
	Files   map[string]string `json:"files"`
	Context any               `json:"context"`
	Strict  bool              `json:"strict"`
}

type response struct {
	Rendered map[string]string `json:"rendered,omitempty"`
	Error    string            `json:"error,omitempty"`
}

func render(req request) response {
	tpl := template.New("tpl").Funcs(funcs()).Delims("[[", "]]")
	if req.Strict {
		tpl.Option("missingkey=error")
	} else {
		tpl.Option("missingkey=zero")
	}
	names := make([]string, 0, len(req.Files))
	for name := range req.Files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if _, err := tpl.New(name).Parse(req.Files[name]); err != nil {
			return response{Error: err.Error()}
		}
	}
	out := map[string]string{}
	for _, name := range names {
		if strings.Contains(name, "templates/_") {
			continue
		}
		var buf bytes.Buffer
		if err := tpl.ExecuteTemplate(&buf, name, req.Context); err != nil {
			return response{Error: fmt.Sprintf("failed to render %s: %v", name, err)}
		}
		out[name] = strings.ReplaceAll(buf.String(), "<no value>", "")
	}
	return response{Rendered: out}
}

func main() {
	js.Global().Set("goTextTemplateRender", js.FuncOf(func(this js.Value, args []js.Value) any {
		var req request
		var res response
		if len(args) != 1 {
			res = response{Error: "want one JSON argument"}
		} else if err := json.Unmarshal([]byte(args[0].String()), &req); err != nil {
			res = response{Error: "bad request: " + err.Error()}
		} else {
			res = render(req)
		}
		b, _ := json.Marshal(res)
		return string(b)
	}))
	select {}
}
