#!/usr/bin/env bash
# Makes models/default.safetensors from nothing (docs/default-model.md, "The default model"): the pretraining
# corpus, the pretraining run (hours on two cores; resumable: run this script again after an
# interruption and it goes on exactly where the run stopped), then the corpus n-gram mixture.
# Not part of CI: the model file is committed.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build
[ -f corpus/manifest.json ] || npm run corpus
mkdir -p pretrain
MODEL=pretrain/pretrained.safetensors
if [ -f pretrain/pretrained.run.safetensors ]; then
  # The run checkpoint carries its own settings; only the time budget is this command's.
  node dist/cli.js train corpus/train --valid corpus/valid -o "$MODEL" --resume "$MODEL" --max-minutes 0 --json > pretrain/run.jsonl
else
  node dist/cli.js train corpus/train --valid corpus/valid -o "$MODEL" \
    --embedding 64 --hidden 256 --layers 2 --dropout 0 --min-char-count 200 \
    --batch 32 --seq-len 100 --lr 0.002 --lr-schedule cosine --max-steps 15000 --epochs 10 \
    --validate-every 1000 --patience 0 --seed 1 --no-mixture --json > pretrain/run.jsonl
fi
node dist/cli.js mix -m "$MODEL" corpus/train --valid corpus/valid --max-order 5 --max-ngrams 400000 --half \
  -o models/default.safetensors
cp corpus/manifest.json models/default.manifest.json
