import { CharModel } from './char-model';

/**
 * The model with another dropout rate and the same weights (dropout is a training setting kept in
 * the config: a fine-tuned model may train with more than it was pretrained with), or the model
 * itself when `dropout` is undefined or its own.
 */
export function withDropout(model: CharModel, dropout: number | undefined): CharModel {
  if (dropout === undefined || dropout === model.config.dropout) return model;
  const copy = new CharModel(model.k, { ...model.config, dropout });
  model.k.heap.copyWithin(copy.params.values, model.params.values, model.params.values + model.params.count);
  return copy;
}
