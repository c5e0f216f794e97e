// Package web embeds the templates and static assets of every page — the
// participants', the console's and the printed documents' — so that pages
// make no external requests.
package web

import "embed"

// FS holds templates/*.html (participant pages), console/*.html (the
// console), print/*.html (printed documents) and
// static/*.
//
//go:embed templates/*.html print/*.html console/*.html static/*
var FS embed.FS
