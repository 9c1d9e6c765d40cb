"""Role categories on real-looking titles from the platforms' boards."""

from __future__ import annotations

import pytest

from collectors.categories import CATEGORIES, CATEGORY_LABELS, categorise

TITLES: list[tuple[str, str]] = [
    # generalist
    ("Generalist (Bachelor's) - AI Trainer", "generalist"),
    ("AI Training for Generalist (Freelance, Remote)", "generalist"),
    ("General Interest - AI Trainer", "generalist"),
    ("Video Evaluation Generalist", "generalist"),
    ("AI Trainer", "generalist"),
    ("Content Reviewer / AI Trainer", "generalist"),
    ("Search Quality Rater", "generalist"),
    ("Generalist Labeling - Application via RippleMatch", "generalist"),
    # coding
    ("AI Trainer - Python", "coding"),
    ("Software Engineer, Rust - AI Training (Freelance, Remote)", "coding"),
    ("Software Engineer, C# - AI Training (Freelance, Remote)", "coding"),
    ("Front-End Developer Expertise for AI Training - LATAM", "coding"),
    ("Coding Expert - LATAM", "coding"),
    ("Engineer, DevOps Infrastructure as Code (IaC) - AI Training (Freelance, Remote)", "coding"),
    ("AI Trainer - COBOL Developer", "coding"),
    ("Junior Software Engineer (LLM Comparisons)", "coding"),
    ("Computer Science Expert (Bachelor's)- AI Trainer", "coding"),
    ("Machine Learning Experts - AI Trainer (Ph.Ds or Postdocs)", "coding"),
    ("SWE (Trajectory) - Mercor", "coding"),
    # math and science
    ("Physics PhD Evaluator", "math_science"),
    ("AI Math Trainer", "math_science"),
    ("Advanced Chemistry Expertise Sought for AI Training", "math_science"),
    ("AI Trainer for Number Theory (Freelance, Remote)", "math_science"),
    ("Statistics Expert (PhD.s or Postdocs)- AI Trainer", "math_science"),
    ("Biomedical Engineering Expert (Bachelor's)- AI Trainer", "math_science"),
    ("Research PhD (STEM)", "math_science"),
    ("AI Trainer for Quantum Mechanics (Freelance, Remote)", "math_science"),
    # medicine
    ("Medical Expert – Radiology", "medicine"),
    ("Medicine Expert (MD) - AI Trainer", "medicine"),
    ("Dermatologists", "medicine"),
    ("Certified Medical Coder (ICD-10) — Multilingual Clinical Documentation & AI Evaluation", "medicine"),
    ("AI Trainer for Pharmacy (Freelance, Remote)", "medicine"),
    ("Registered Nurse (RN) - Clinical Reasoning Evaluator", "medicine"),
    ("Anaesthetist - AI Expert", "medicine"),
    # law
    ("Legal Expert (JD)", "law"),
    ("Law Expert (JD) - AI Trainer", "law"),
    ("Legal Expert — Immigration (Project Donna)", "law"),
    ("Legal Expert — Regulatory, Privacy & Healthcare (Project Donna)", "law"),
    ("Paralegal for AI Model Evaluation", "law"),
    # finance
    ("CPA / Accounting Expert", "finance"),
    ("Finance PhDs - AI Trainer", "finance"),
    ("AI Training for Financial Analyst (Freelance, Remote)", "finance"),
    ("Economics Expert (Bachelor's) - AI Trainer", "finance"),
    ("Investment Banking Associate - AI Tutor", "finance"),
    # languages and translation
    ("Hindi Language Specialist", "languages"),
    ("AI Trainer for Kiswahili Writers/Speakers (Freelance, Remote)", "languages"),
    ("AI Trainer for Portuguese (Brazil) Writers/Speakers (Freelance, Remote)", "languages"),
    ("Czech Freelance Writer", "languages"),
    ("Gulf Arabic Freelance Writer", "languages"),
    ("Bilingual STEM Expert (Hindi and English)", "languages"),
    ("Translator (Japanese to English)", "languages"),
    ("Localization QA Specialist - Korean", "languages"),
    # audio and voice
    ("Voice Actor for AI Training", "audio_voice"),
    ("Voice Actor for AI Training (Freelance, Remote)", "audio_voice"),
    ("Bring Your Voice to AI Training - Bengali", "audio_voice"),
    ("British Accent Voice Recording", "audio_voice"),
    ("Audio Transcription Specialist", "audio_voice"),
    ("Podcast Host - Conversational Speech Data", "audio_voice"),
    # acting and performance
    ("Improv Actor — Emotion Sessions", "acting_performance"),
    ("Actors for Motion Capture Sessions", "acting_performance"),
    ("Stand-up Comedian for AI Humor Evaluation", "acting_performance"),
    ("Theatre Performer - Expressive Video Data", "acting_performance"),
    # writing
    ("Generalist Writer", "writing"),
    ("Technical Writer/Editor", "writing"),
    ("AI Trainer for Creative Writing (Freelance, Remote)", "writing"),
    ("Poet - AI Trainer", "writing"),
    ("Copywriter for Marketing Content Evaluation", "writing"),
    # other
    ("AI Trainer for Cooking (Freelance, Remote)", "other"),
    ("AI Trainer for Fashion Style (Freelance, Remote)", "other"),
    ("AI Trainer - Advanced Video Gamer (Freelance, Remote)", "other"),
    ("3D Artist", "other"),
    ("Home Care Scheduler", "other"),
    ("Education Master's - AI Trainer", "other"),
    ("Music Expert (Bachelor's, Master's, PhD, DMA) - AI Trainer", "other"),
    ("Product Design/UX Expert", "other"),
]


def test_there_are_enough_titles_in_every_category() -> None:
    assert len(TITLES) >= 60
    assert {category for _, category in TITLES} == set(CATEGORIES)


@pytest.mark.parametrize(("title", "category"), TITLES)
def test_categorise(title: str, category: str) -> None:
    assert categorise(title) == category


def test_labels_and_slugs() -> None:
    assert set(CATEGORY_LABELS) == set(CATEGORIES)
    assert CATEGORY_LABELS["math_science"] == "Math and science"
    assert CATEGORY_LABELS["languages"] == "Languages and translation"


def test_department_helps_only_when_the_title_is_silent() -> None:
    assert categorise("Expert Contributor", department="Legal") == "law"
    assert categorise("AI Trainer", department="AI Trainers - Domain Experts") == "generalist"
    assert categorise("Python Developer", department="Legal Operations") == "coding"


@pytest.mark.parametrize("title", ["", None, "   ", "!!!"])
def test_empty_titles(title: str | None) -> None:
    assert categorise(title) in CATEGORIES
