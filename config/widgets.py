"""Form widgets shared by the pages."""

from django import forms


class DateInput(forms.DateInput):
    """The browser's date picker (`type=date`), whose value is always ISO (`2024-12-31`) whatever the
    language: a date pre-filled in the French format would be rejected by the picker and sent empty."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")
