"""The bottom layer: plain values and rules every other package may use, importing nothing of the product.

- ``domain.safe_text``: how text from the CRM or a model is made safe to show to a person.
"""
