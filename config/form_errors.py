"""A form's errors in one French sentence that names each field, for the pages that report a refused form
in a message (the form itself is not shown again)."""


def errors_text(form) -> str:
    """« Date de fin : Saisissez une date valide. Volet 1 (€) : Ce champ est obligatoire. »"""
    parts = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = f"{field.label} : " if field is not None and field.label else ""
        parts += [f"{label}{error}" for error in errors]
    return " ".join(parts)
