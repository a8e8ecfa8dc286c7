'use strict';
// Entity suggestions on the article form: "Add" puts a known entity into its picker,
// "New person / place / organisation" opens the entity's add form prefilled, as the "+" does.
{
    document.addEventListener('click', (event) => {
        if (event.target.closest('[data-add-all-entities]')) {
            event.preventDefault();
            document.querySelectorAll('[data-add-entity]:not(:disabled)').forEach((button) => button.click());
            return;
        }
        const add = event.target.closest('[data-add-entity]');
        if (add) {
            event.preventDefault();
            const select = document.getElementById('id_' + add.dataset.field);
            if (!select) {
                return;
            }
            if (![...select.options].some((option) => option.value === add.dataset.entity && option.selected)) {
                const option = new Option(add.dataset.label, add.dataset.entity, true, true);
                select.append(option);
                if (window.django && django.jQuery) {
                    django.jQuery(select).trigger('change');
                }
            }
            add.textContent = 'Added';
            add.disabled = true;
            add.closest('li').classList.add('entity-suggestion--linked');
            return;
        }
        const create = event.target.closest('[data-create-entity]');
        if (create && window.showRelatedObjectPopup) {
            event.preventDefault();
            // Django's popup machinery finds the picker to update from the link's id.
            window.showRelatedObjectPopup({id: 'add_id_' + create.dataset.field, href: create.href});
        }
    });
}
