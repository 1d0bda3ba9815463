"""Reactions of impact to what happens in the apps below it (connected in ImpactConfig)."""

from django.dispatch import receiver

from impact.models import Observation, QuestionnaireResponse
from occupants.signals import person_erased


@receiver(person_erased, dispatch_uid="impact-erase-questionnaire-respondents")
def erase_questionnaire_respondents(sender, user, erase, **kwargs) -> list[str]:
    """The account a respondent chose to attach to their answers is detached, and their names
    erased from what they wrote; the answers stay, anonymous, for the observations."""
    if user is None:
        return []
    responses = QuestionnaireResponse.objects.filter(respondent=user)
    rewritten = 0
    for observation in Observation.objects.filter(response__in=responses):
        narrative, quote = erase(observation.narrative), erase(observation.quote)
        if (narrative, quote) != (observation.narrative, observation.quote):
            Observation.objects.filter(pk=observation.pk).update(narrative=narrative, quote=quote)
            rewritten += 1
    detached = responses.update(respondent=None)
    lines = []
    if detached:
        lines.append(f"questionnaire answers detached from the account: {detached}")
    if rewritten:
        lines.append(f"questionnaire observations anonymised: {rewritten}")
    return lines
