"""Why the public pages are Jinja2: the 60 session cards of a large programme, drawn three ways.

Builds the large netwerkdag of bench_public.py in a scratch SQLite file, reads its programme once
(sessions.programme.programme_cards) and draws its 8 time slots and 60 cards, in this process:

- with Django's template language, a partial per piece as Django projects usually do (a card
  including its speakers, tags and materials);
- with Django's template language in a single template without includes (its best case);
- with the Jinja2 macros the site uses (templates/jinja2/includes/programme.html).

It checks that the three give the same markup (whitespace aside) and prints CPU time per drawing
(time.process_time, so that other processes on the machine count less): median and minimum.

    .venv/bin/python bench/template_engines.py [--repeat 200]
"""

import argparse
import gc
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_public  # noqa: E402

# The card as Django templates: the same markup as the macros of templates/jinja2/includes/programme.html.
DJANGO_TEMPLATES = {
    "time_slots.html": """{% load i18n %}{% for slot in slots %}
<section class="slot" aria-labelledby="slot-{{ forloop.counter }}">
  <h3 class="slot__time" id="slot-{{ forloop.counter }}"><time datetime="{{ slot.start|time:'H:i' }}">{{ slot.start|time:'H:i' }}</time>–<time datetime="{{ slot.end|time:'H:i' }}">{{ slot.end|time:'H:i' }}</time>{% if slot.is_parallel %} <span class="slot__count">{% blocktranslate count counter=slot.sessions|length %}{{ counter }} sessie tegelijk{% plural %}{{ counter }} sessies tegelijk{% endblocktranslate %}</span>{% endif %}</h3>
  <div class="slot__sessions">{% for session in slot.sessions %}{% include "session_card.html" %}{% endfor %}</div>
</section>
{% endfor %}""",
    "session_card.html": """
<article class="session session--{{ session.kind }}">
  <h4 class="session__title"><a href="{{ session.url }}">{{ session.title }}</a></h4>
  <p class="session__meta">{% if session.kind_label != session.title %}<span class="session__kind">{{ session.kind_label }}</span>{% endif %}{% if session.start_time != slot.start or session.end_time != slot.end %} · <time datetime="{{ session.start_time|time:'H:i' }}">{{ session.start_time|time:'H:i' }}</time>–<time datetime="{{ session.end_time|time:'H:i' }}">{{ session.end_time|time:'H:i' }}</time>{% endif %}{% if session.location %} · {{ session.location }}{% endif %}</p>
  {% include "speaker_names.html" with speakers=session.speakers %}{% include "tags.html" with pillars=session.pillars theme_groups=session.theme_groups %}{% include "materials.html" with materials=session.materials %}
</article>
""",
    "speaker_names.html": """{% if speakers %}
<ul class="speakers">
  {% for speaker in speakers %}<li><a href="{{ speaker.url }}">{{ speaker.name }}</a>{% if speaker.organisation %} <span class="speakers__organisation">({{ speaker.organisation }})</span>{% endif %}{% if not speaker.is_speaker %} <span class="speakers__role">– {{ speaker.role_label|lower }}</span>{% endif %}</li>
  {% endfor %}
</ul>{% endif %}""",
    "tags.html": """{% load i18n %}{% if pillars or theme_groups %}
<dl class="tags">
  {% if pillars %}<div><dt>{% if pillars|length > 1 %}{% translate "Pijlers" %}{% else %}{% translate "Pijler" %}{% endif %}</dt>{% for pillar in pillars %}<dd><a href="{{ pillar.url }}">{{ pillar.name }}</a></dd>{% endfor %}</div>{% endif %}
  {% if theme_groups %}<div><dt>{% if theme_groups|length > 1 %}{% translate "Themagroepen" %}{% else %}{% translate "Themagroep" %}{% endif %}</dt>{% for group in theme_groups %}<dd><a href="{{ group.url }}">{{ group.name }}</a></dd>{% endfor %}</div>{% endif %}
</dl>{% endif %}""",
    "materials.html": """{% load i18n %}{% if materials %}
<ul class="materials">
  {% for material in materials %}<li><a href="{{ material.href }}" data-print-url="{{ material.print_url }}">{{ material.title }}</a> <span class="materials__type">({% if material.file_type %}{{ material.file_type }}{% else %}{% translate "link" %}{% endif %})</span></li>
  {% endfor %}
</ul>{% endif %}""",
}


def single_template() -> str:
    """The partials pasted into one template, each in a {% with %} for its arguments."""
    card = DJANGO_TEMPLATES["session_card.html"]
    for name, arguments in [
        ("speaker_names.html", "speakers=session.speakers"),
        ("tags.html", "pillars=session.pillars theme_groups=session.theme_groups"),
        ("materials.html", "materials=session.materials"),
    ]:
        body = DJANGO_TEMPLATES[name].replace("{% load i18n %}", "")
        card = card.replace(
            f'{{% include "{name}" with {arguments} %}}', f"{{% with {arguments} %}}{body}{{% endwith %}}"
        )
    return DJANGO_TEMPLATES["time_slots.html"].replace('{% include "session_card.html" %}', card)


def cpu_ms(draw, repeat: int) -> str:
    for _ in range(20):
        draw()
    times = []
    for _ in range(repeat):
        started = time.process_time()
        draw()
        times.append((time.process_time() - started) * 1000)
    return f"p50 {statistics.median(times):6.2f} ms   min {min(times):6.2f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=200, help="drawings per figure")
    args = parser.parse_args()
    args.postgres, args.cache = False, "locmem"
    scratch = Path(tempfile.mkdtemp(prefix="g40engines-"))
    try:
        bench_public.prepare_site(bench_public.site_environment(args, scratch))
        from django.template import Context, engines
        from django.template.engine import Engine
        from django.utils import translation

        from g40events.models import Event
        from sessions.programme import group_in_time_slots, programme_cards

        translation.activate("nl")
        slots = group_in_time_slots(programme_cards(Event.objects.get(slug="benchstad")))
        django_engine = Engine(
            libraries={"i18n": "django.templatetags.i18n"},
            loaders=[
                (
                    "django.template.loaders.cached.Loader",
                    [
                        (
                            "django.template.loaders.locmem.Loader",
                            {**DJANGO_TEMPLATES, "single.html": single_template()},
                        )
                    ],
                )
            ],
        )
        with_includes = django_engine.get_template("time_slots.html")
        single = django_engine.get_template("single.html")
        macros = engines["jinja2"].from_string(
            '{% from "includes/programme.html" import time_slots %}{{ time_slots(slots) }}'
        )
        drawings = {
            "Django templates, a partial per piece": lambda: with_includes.render(Context({"slots": slots})),
            "Django templates, one template": lambda: single.render(Context({"slots": slots})),
            "Jinja2 macros (the site's)": lambda: macros.render({"slots": slots}),
        }

        def markup(html: str) -> str:
            return re.sub(r"\s+", " ", re.sub(r">\s+", ">", re.sub(r"\s+<", "<", html))).strip()

        results = {markup(draw()) for draw in drawings.values()}
        assert len(results) == 1, "the three drawings differ"
        gc.collect()
        gc.freeze()
        print(f"\n{bench_public.machine()} · 8 time slots, 60 cards, CPU time per drawing\n")
        for name, draw in drawings.items():
            print(f"{name:<40}", cpu_ms(draw, args.repeat))
        return 0
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
