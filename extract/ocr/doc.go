// Package ocr turns images (PNG, JPEG, TIFF, HEIC/AVIF photos, PDF pages rendered by
// pdftoppm) into positioned words: decode within pixel budgets, apply EXIF, find the
// page in a viewer screenshot, turn and level it, clean it, and read it with a pool
// of Tesseract clients (Engine) under an admission queue.
package ocr
