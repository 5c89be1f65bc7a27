from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # People join by applying (or by a mentor's invitation): the application creates
        # their account, and they sign in with an emailed code. There is nothing to see
        # for an account that did neither, so self-service signup stays closed.
        return False
