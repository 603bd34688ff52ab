"""Insight: how the service to business is doing, measured the way municipalities measure it.

- `survey.py`: the follow-up after a closed case (SKR Insikt's questions and scale) and its
  state machine; `flow.py` takes the answer turns the conversation engine routes to it and asks
  "Fick du svar på din fråga?" after a sample of answers;
- `models.py`: the survey (who is asked, erased with the person) and the answers (anonymous);
- `figures.py`: the figures, aggregated in SQL; `report.py`: the self-contained HTML report with
  inline SVG charts; `monthly.py`: the monthly post to the business office.
"""
