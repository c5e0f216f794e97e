// Package web holds the participant pages' templates and static assets (one
// small stylesheet, one small script that only enhances), embedded in the
// binary so pages make no external requests.
package web

import "embed"

// FS holds templates/*.html (pages), print/*.html (printed documents) and
// static/*.
//
//go:embed templates/*.html print/*.html static/*
var FS embed.FS
