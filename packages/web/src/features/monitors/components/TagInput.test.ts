import { flushPromises, mount } from '@vue/test-utils'
import type { MonitorGroup } from '@whatisup/shared'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, ref } from 'vue'
import { i18n, setLocale } from '../../../i18n'
import { loadTagRules } from '../../groups/tagRules'
import { fakeApi } from '../../incidents/test/fake-api'
import { emptyForm } from '../form'
import MonitorForm from './MonitorForm.vue'
import TagInput from './TagInput.vue'

function mountInput(initial: string[] = [], suggestions: string[] = []) {
  const tags = ref(initial)
  const Host = defineComponent({
    components: { TagInput },
    setup: () => ({ tags, suggestions }),
    template: '<TagInput v-model="tags" name="tags" :suggestions="suggestions" />',
  })
  const wrapper = mount(Host, { global: { plugins: [i18n] }, attachTo: document.body })
  return { wrapper, tags, field: () => wrapper.get('[data-testid="tag-input-field"]') }
}

/** The error text tied to the input through aria-describedby, as assistive tech reads it. */
function describedError(el: Element): string | undefined {
  const ids = el.getAttribute('aria-describedby')?.split(' ') ?? []
  return ids
    .map((id) => document.getElementById(id))
    .find((e) => e?.classList.contains('field__error'))
    ?.textContent?.trim()
}

// The tag rules load lazily in the app; loaded up front here, checks take microtasks, not an import.
beforeAll(() => loadTagRules())
beforeEach(() => {
  setActivePinia(createPinia())
  setLocale('en', false)
})
afterEach(() => {
  document.body.innerHTML = ''
  vi.unstubAllGlobals()
})

describe('TagInput', () => {
  it('adds typed tags as chips on Enter and comma, trimmed, several at once when pasted', async () => {
    const { wrapper, tags, field } = mountInput()
    await field().setValue('  env:prod ')
    await field().trigger('keydown', { key: 'Enter' })
    await vi.waitFor(() => expect(tags.value).toEqual(['env:prod']))
    await field().setValue('critical, team:core:eu')
    await field().trigger('keydown', { key: ',' })
    await vi.waitFor(() => expect(tags.value).toEqual(['env:prod', 'critical', 'team:core:eu']))
    expect(wrapper.findAll('[data-testid="tag-chip"] .chip__text').map((c) => c.text())).toEqual([
      'env:prod',
      'critical',
      'team:core:eu',
    ])
    await flushPromises()
    expect((field().element as HTMLInputElement).value).toBe('')
  })

  it('refuses what the shared rules refuse, keeps the text and says why', async () => {
    const { tags, field } = mountInput(['env:prod'])
    for (const [typed, reason] of [
      ['env:', 'is not a tag'],
      ['bad key:x', 'is not a tag'],
      ['a,', null],
      ['env:prod', 'is already there'],
    ] as const) {
      await field().setValue(typed)
      await field().trigger('keydown', { key: 'Enter' })
      await flushPromises()
      if (reason === null) continue
      await vi.waitFor(() => expect(describedError(field().element)).toContain(reason))
      expect(field().attributes('aria-invalid')).toBe('true')
      expect((field().element as HTMLInputElement).value).toBe(typed)
    }
    // "a," is the bare tag "a" followed by nothing: accepted.
    expect(tags.value).toEqual(['env:prod', 'a'])
  })

  it('caps the list at the shared maximum', async () => {
    const { tags, field } = mountInput(Array.from({ length: 32 }, (_, i) => `t${i}`))
    await field().setValue('one:more')
    await field().trigger('keydown', { key: 'Enter' })
    await vi.waitFor(() => expect(describedError(field().element)).toBe('At most 32 tags.'))
    expect(tags.value).toHaveLength(32)
  })

  it('removes chips with their button or Backspace, and suggests only tags not chosen yet', async () => {
    const { wrapper, tags, field } = mountInput(['a', 'b', 'c'], ['a', 'env:prod'])
    expect(wrapper.findAll('datalist option').map((o) => o.attributes('value'))).toEqual(['env:prod'])
    await wrapper.findAll('[data-testid="tag-input-remove"]')[1]?.trigger('click')
    expect(tags.value).toEqual(['a', 'c'])
    expect(wrapper.findAll('[data-testid="tag-input-remove"]')[0]?.attributes('aria-label')).toBe('Remove tag a')
    await field().trigger('keydown', { key: 'Backspace' })
    expect(tags.value).toEqual(['a'])
  })
})

describe('MonitorForm group and tags', () => {
  const group = (id: string, name: string) => ({ id, name }) as MonitorGroup

  async function fill(wrapper: ReturnType<typeof mount>) {
    await wrapper.find('input[name="name"]').setValue('Shop')
    await wrapper.find('input[name="url"]').setValue('https://shop.example.com')
  }

  it('sends the picked group and the tags, a tag still being typed included', async () => {
    fakeApi({ 'GET /api/v1/groups': () => [group('g1', 'Web'), group('g2', 'Payments')], 'GET /api/v1/tags': () => [] })
    const save = vi.fn(async (_input: unknown) => undefined)
    const wrapper = mount(MonitorForm, {
      props: { initial: emptyForm(), submitLabel: 'Create', save },
      global: { plugins: [i18n] },
      attachTo: document.body,
    })
    await flushPromises()
    expect(wrapper.findAll('[data-testid="group-picker"] option').map((o) => o.text())).toEqual([
      'No group',
      'Payments',
      'Web',
    ])
    await fill(wrapper)
    await wrapper.get('[data-testid="group-picker"]').setValue('g2')
    await wrapper.get('[data-testid="tag-input-field"]').setValue('env:prod')
    await wrapper.get('[data-testid="tag-input-field"]').trigger('keydown', { key: 'Enter' })
    await wrapper.get('[data-testid="tag-input-field"]').setValue('critical')
    await wrapper.get('form').trigger('submit')
    await vi.waitFor(() => expect(save).toHaveBeenCalledOnce())
    expect(save.mock.calls[0]?.[0]).toMatchObject({ name: 'Shop', group_id: 'g2', tags: ['env:prod', 'critical'] })
  })

  it('does not save while a typed tag is invalid', async () => {
    fakeApi({ 'GET /api/v1/groups': () => [], 'GET /api/v1/tags': () => [] })
    const save = vi.fn(async (_input: unknown) => undefined)
    const wrapper = mount(MonitorForm, {
      props: { initial: emptyForm(), submitLabel: 'Create', save },
      global: { plugins: [i18n] },
      attachTo: document.body,
    })
    await fill(wrapper)
    await wrapper.get('[data-testid="tag-input-field"]').setValue('no spaces in keys:x')
    await wrapper.get('form').trigger('submit')
    await vi.waitFor(() => expect(wrapper.find('[data-testid="form-error"]').exists()).toBe(true))
    expect(save).not.toHaveBeenCalled()
    expect(document.activeElement?.getAttribute('data-testid')).toBe('tag-input-field')
  })

  it('edits a monitor keeping its group and tags, and can clear them', async () => {
    fakeApi({ 'GET /api/v1/groups': () => [group('g1', 'Web')], 'GET /api/v1/tags': () => [] })
    const monitor = { group_id: 'g1', tags: ['env:prod', 'critical'] }
    const save = vi.fn(async (_input: unknown) => undefined)
    const wrapper = mount(MonitorForm, {
      props: {
        initial: emptyForm(),
        membership: monitor,
        submitLabel: 'Save',
        save,
      },
      global: { plugins: [i18n] },
      attachTo: document.body,
    })
    await flushPromises()
    await fill(wrapper)
    expect((wrapper.get('[data-testid="group-picker"]').element as HTMLSelectElement).value).toBe('g1')
    await wrapper.findAll('[data-testid="tag-input-remove"]')[0]?.trigger('click')
    await wrapper.get('form').trigger('submit')
    await vi.waitFor(() => expect(save).toHaveBeenCalledTimes(1))
    expect(save.mock.calls[0]?.[0]).toMatchObject({ group_id: 'g1', tags: ['critical'] })

    const picker = wrapper.get('[data-testid="group-picker"]')
    ;(picker.element as HTMLSelectElement).selectedIndex = 0
    await picker.trigger('change')
    await wrapper.findAll('[data-testid="tag-input-remove"]')[0]?.trigger('click')
    await wrapper.get('form').trigger('submit')
    await vi.waitFor(() => expect(save).toHaveBeenCalledTimes(2))
    expect(save.mock.calls[1]?.[0]).toMatchObject({ group_id: null, tags: [] })
  })
})
