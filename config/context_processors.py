def csp_nonce(request):
    """Evaluate the lazy CSP nonce up front: django-csp's lazy object is falsy until read,
    and the DSFR script tags only carry a nonce when it is truthy."""
    nonce = getattr(request, "csp_nonce", None)
    return {"csp_nonce": str(nonce) if nonce is not None else ""}
