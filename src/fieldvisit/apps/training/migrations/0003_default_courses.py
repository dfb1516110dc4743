"""The five courses field staff need (issue 8). Codes match the certification names the visit
strategy asks for (engines.scoring: ``required_certifications``), so a pass counts directly."""

from decimal import Decimal

from django.db import migrations

COURSES = [
    ("communication", "沟通与冲突化解", "Communication and de-escalation"),
    ("counselling", "心理疏导与脆弱性识别", "Psychological counselling and spotting vulnerability"),
    ("conduct_law", "催收法规与行为规范", "Collection law and conduct"),
    ("pipl", "个人信息保护", "Personal information protection"),
    ("field_safety", "外访安全", "Field safety"),
]


def create(apps, schema_editor):
    Course = apps.get_model("training", "Course")
    for code, name, name_en in COURSES:
        Course.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "validity_months": 12,
                "pass_mark": Decimal(60),
            },
        )


class Migration(migrations.Migration):
    dependencies = [("training", "0002_sessions_quality_complaints")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
