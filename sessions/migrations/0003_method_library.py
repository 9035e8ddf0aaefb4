from django.db import migrations

# name, kind, workshop format, minutes, instructions, materials, alternative plan
METHODS = [
    ("Brise-glace", "icebreaker", "", 15,
     "Un jeu court pour se mettre en mouvement : chacun se présente par un objet, une image "
     "ou une anecdote. Le rythme compte plus que le contenu.", "Cartes images, minuteur",
     "À moins de 6 : un tour de table rapide."),
    ("Tour de table", "icebreaker", "", 20,
     "Chacun dit en une phrase où il en est et ce qu'il attend de la journée. L'animateur "
     "tient le temps : une minute par personne.", "", ""),
    ("Débat mouvant", "debate", "debat_mouvant", 45,
     "Une affirmation clivante est lue ; chacun se place côté oui, côté non ou au milieu. "
     "On donne la parole à chaque camp, puis on laisse bouger ceux qui changent d'avis. "
     "Compter les positions à chaque question.", "Deux affiches OUI / NON, ruban au sol",
     "À moins de 8 : voter à main levée et garder le débat sur deux questions."),
    ("Tribunal de l'innovation", "workshop", "tribunal", 50,
     "Un procès mis en scène sur une question : accusation, défense, témoins, jurés. "
     "Relever les positions avant et après les plaidoiries, puis le verdict.",
     "Robes ou accessoires, cartes de vote", "À moins de 15 : un seul procès, jurés debout."),
    ("Démarreur bienveillant", "workshop", "demarreur", 90,
     "Entretien d'environ 1 h 30 avec un commanditaire pour clarifier sa demande : un "
     "discutant expert, un discutant naïf, un animateur, un scribe, des observateurs avec "
     "une grille. Préparer la grille d'entretien, questions dérangeantes comprises.",
     "Grille d'entretien, grilles d'observation", "Si le commanditaire a moins d'une heure : "
     "garder la reformulation et les suites."),
    ("Labo stands", "workshop", "labo_stands", 60,
     "Plusieurs stands présentent chacun un labo possible, ses offres et ses services ; les "
     "groupes tournent d'un stand à l'autre et laissent un retour par stand.",
     "Panneaux, post-it de couleur, fiches de retour",
     "Avec peu de monde : un seul groupe fait le tour des stands."),
    ("Tamis de critères", "workshop", "criteria_grid", 60,
     "Les idées sur post-it sont placées sur une grille à deux axes (par exemple autonomie "
     "ou présence physique, fréquent ou exceptionnel) ; on lit les zones qui ressortent.",
     "Grilles A0, post-it de trois couleurs", ""),
    ("Tables de scénarios", "workshop", "scenario_tables", 60,
     "Chaque table explore un scénario « Et si… » et le présente aux autres en trois minutes.",
     "Fiches scénario", ""),
    ("Rétrospective", "debrief", "retrospective", 30,
     "Ce qui a marché, ce qui n'a pas marché, comment faire mieux : post-it puis regroupement.",
     "Post-it, trois colonnes au mur", ""),
    ("Pause café", "coffee", "", 15, "", "", ""),
    ("Déjeuner", "meal", "", 60, "", "", ""),
]

DAY_METHODS = [
    ("Journée démarreur bienveillant", "workshop", "demarreur", 330,
     "Une journée pour préparer, mener et débriefer un démarreur bienveillant.",
     [("Accueil et café", "coffee", 15, None),
      ("Construire la grille d'entretien", "workshop", 60, None),
      ("Démarreur bienveillant", "workshop", 90, None),
      ("Déjeuner", "meal", 60, "12:30"),
      ("Débriefer et reformuler la commande", "debrief", 75, None),
      ("Rétrospective", "debrief", 30, None)]),
]


def load(apps, schema_editor):
    import datetime

    Method = apps.get_model("labo_sessions", "Method")
    MethodStep = apps.get_model("labo_sessions", "MethodStep")
    for name, kind, fmt, minutes, instructions, materials, alternative in METHODS:
        Method.objects.get_or_create(name=name, defaults={
            "kind": kind, "atelier_format": fmt, "duration_minutes": minutes,
            "instructions": instructions, "materials": materials, "alternative_plan": alternative,
        })
    for name, kind, fmt, minutes, instructions, steps in DAY_METHODS:
        method, created = Method.objects.get_or_create(name=name, defaults={
            "kind": kind, "atelier_format": fmt, "duration_minutes": minutes,
            "instructions": instructions,
        })
        if created:
            for position, (title, step_kind, step_minutes, fixed) in enumerate(steps):
                MethodStep.objects.create(
                    method=method, position=position, title=title, kind=step_kind,
                    duration_minutes=step_minutes,
                    fixed_start=datetime.time.fromisoformat(fixed) if fixed else None,
                )


class Migration(migrations.Migration):
    dependencies = [("labo_sessions", "0002_planner")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
