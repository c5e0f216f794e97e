// Package web embeds the templates and static assets of every page — the
// participants' pages, the console and the printed documents (tally,
// report, minutes, slips) — with a small stylesheet and a small script
// that only enhances for each side, so pages make no external requests.
package web

import "embed"

// FS holds templates/*.html (participant pages), console/*.html (the
// console), print/*.html (printed documents) and
// static/*.
//
//go:embed templates/*.html print/*.html console/*.html static/*
var FS embed.FS
