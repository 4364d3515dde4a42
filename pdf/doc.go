// Package pdf lays out Casus's documents as PDF on A4 with the Go fonts:
// the minutes of a meeting (Minutes). It takes what a use case (package
// app) returned and the reader's localizer, and writes the document; it
// reads nothing from the store and decides nothing about who may see what.
package pdf
