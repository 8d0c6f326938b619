#!/usr/bin/env python3
"""Writes a JSON Lines export of synthetic Spanish-looking records of about MB megabytes to
PATH and prints how many records it holds: `make-jsonl-export.py MB PATH`.

Records are deterministic (a fixed seed), each with an id, title, summary text of a few
hundred words, date, regions, institutions and topics, as an agency's export would have.
"""

import json
import random
import sys

WORDS = (
    "agua riego cuenca comunidad productores asociación gobierno regional municipalidad "
    "proyecto programa mesa técnica articulación institucional cadena valor quinua papa "
    "nativa trucha piscicultura apicultura miel cacao café turismo rural artesanía textil "
    "capacitación asistencia técnica financiamiento fondo concurso innovación empresa "
    "proveedores minería diversificación productiva mercado precios compradores acuerdo "
    "gestión planificación seguimiento evaluación lecciones aprendidas recomendación "
    "participación mujeres jóvenes campesinos infraestructura caminos canales reservorio "
    "sequía heladas cambio climático adaptación servicios extensión investigación "
    "universidad agencia desarrollo económico local territorio provincia distrito"
).split()
REGIONS = ["Cusco", "Apurímac", "Puno", "Arequipa", "Piura", "Biobío", "Coquimbo", "Maule",
           "Ayacucho", "Junín", "Cajamarca", "Los Lagos"]
INSTITUTIONS = ["GIZ", "SD-PCM", "CORFO", "PRODUCE", "MINAGRI", "FONDEP", "INIA"]


def record(rng, n):
    words = rng.randint(150, 450)
    text = ". ".join(
        " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 20)))
        for _ in range(words // 14)
    ).capitalize() + "."
    return {
        "id": f"exp-{n}",
        "titulo": " ".join(rng.choice(WORDS) for _ in range(6)).capitalize(),
        "resumen": text,
        "fecha": f"{rng.randint(2010, 2025)}-{rng.randint(1, 12):02d}",
        "regiones": rng.sample(REGIONS, 2),
        "instituciones": rng.sample(INSTITUTIONS, 1),
        "palabras clave": rng.sample(WORDS, 3),
        "idioma": "es",
    }


def main():
    megabytes, path = float(sys.argv[1]), sys.argv[2]
    target = int(megabytes * 1_000_000)
    rng = random.Random(16)
    written = 0
    n = 0
    with open(path, "w", encoding="utf-8") as out:
        while written < target:
            n += 1
            line = json.dumps(record(rng, n), ensure_ascii=False) + "\n"
            out.write(line)
            written += len(line.encode("utf-8"))
    print(n)


if __name__ == "__main__":
    main()
