"""Forecasts of budget spend, forecast-to-overrun and daily spend anomalies (docs/forecasts.md)."""
