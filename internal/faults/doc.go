// Package faults holds the fault and hostile-input suites (issue 9). It has no API:
// its tests build the real portdocs binary, run it as a child process on a free
// loopback port, and then take things away from it — MinIO killed and restarted
// during a burst, the service itself SIGKILLed mid-upload, slow clients trickling
// headers and bodies, thousands of hostile files — and check what every client was
// told and what is left in storage.
//
// Every test has a hard deadline and runs in CI; missing tools (minio, tesseract)
// fail under CI instead of skipping (internal/testenv.LookTool). PORTDOCS_HOSTILE_N
// sets how many hostile files go through POST /v1/extract (the 2,000 by
// default, about 2 minutes; fewer for a quick local run).
package faults
