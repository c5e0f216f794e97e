// Package web holds the participant pages' templates and static assets (one
// small stylesheet, one small script that only enhances), embedded in the
// binary so pages make no external requests.
package web

import "embed"

// FS holds templates/*.html (participant pages), console/*.html (the
// console), print/*.html (printed documents) and
// static/*.
//
//go:embed templates/*.html print/*.html console/*.html static/*
var FS embed.FS
