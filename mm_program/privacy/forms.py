from django import forms

from mm_program.models import ErasureRequest


class ErasureRequestForm(forms.Form):
    reason = forms.CharField(
        label="Anything you'd like us to know (optional)",
        required=False,
        max_length=ErasureRequest._meta.get_field("reason").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Please keep it to %(limit_value)d characters "
                                      "(this has %(show_value)d): nothing else is needed "
                                      "to erase your data."},
        help_text="For example, why you're leaving. At most 1000 characters.",
    )

    def clean_reason(self):
        return self.cleaned_data["reason"].strip()
