package server

import (
	"context"
	"log/slog"

	"github.com/labstack/echo/v4"
)

// notify sends webhooks for timeline events: status changes and notes (internal
// notes included: the webhook goes to the operator, not the customer).
func (s *Server) notify(c echo.Context, r *Record, evs ...Event) {
	if s.cfg.Webhooks == nil {
		return
	}
	for _, e := range evs {
		we := WebhookEvent{ID: e.ID, PortID: r.ID, At: e.At, Status: r.Status}
		switch e.Type {
		case EventStatusChanged:
			we.Type, we.From, we.To = "port.status_changed", e.From, e.To
		case EventNote, EventReview:
			e := e
			we.Type, we.Note = "port.note_added", &e
		default:
			continue
		}
		s.cfg.Webhooks.Enqueue(we)
	}
}

// sendMail sends in the request's context but never fails the request: the action is
// recorded already, and the log says the mail did not go out.
func (s *Server) sendMail(ctx context.Context, portID, to, subject, body, what string) bool {
	if s.cfg.Mailer == nil || to == "" {
		s.log.InfoContext(ctx, "mail not sent: no mailer or no recipient", slog.String("port_id", portID), slog.String("mail", what))
		return false
	}
	if err := s.cfg.Mailer.Send(context.WithoutCancel(ctx), to, subject, body); err != nil {
		s.log.WarnContext(ctx, "mail failed", slog.String("port_id", portID), slog.String("mail", what),
			slog.String("to", maskEmail(to)), slog.String("error", err.Error()))
		return false
	}
	s.log.InfoContext(ctx, "mail sent", slog.String("port_id", portID), slog.String("mail", what), slog.String("to", maskEmail(to)))
	return true
}
